/* sha256_many.c — SHA-256 of many short messages at once, sixteen at a time in the 32-bit lanes
 * of AVX-512 registers, or eight in AVX2's (FIPS 180-4 §6.2, computed lane-wise): the Merkle
 * tree hashes every leaf and node of a batch this way. Each lane runs its own message; a lane
 * whose message has fewer blocks than the longest of its group computes on idle blocks, and its
 * digest is taken after its own last block. Without AVX2 (or for a lone message) it is
 * libcrypto's, one at a time. AVX-512 halves the work a lane does, not only by its width: a
 * rotation is one instruction (vprord) and each of Σ's three-way XOR, Ch and Maj one more
 * (vpternlogd), where AVX2 needs three or four. The differential test in test_base.c holds every
 * width to libcrypto's digests. */
#include "base/sha256.h"

#include <stdbool.h>
#include <string.h>

static size_t blocks_of(size_t len)
{
    return (1 + len + 8) / 64 + 1; /* prefix, message, 0x80, the 64-bit length */
}

/* Block b of the padded message prefix || m. */
static void fill_block(uint8_t prefix, const uint8_t *m, size_t len, size_t b, uint8_t blk[64])
{
    size_t total = 1 + len, start = b * 64, padded = blocks_of(len) * 64;
    if (start >= 1 && start + 64 <= total) {
        memcpy(blk, m + start - 1, 64);
        return;
    }
    /* the edges: the prefix, the message's tail, 0x80, zeros, the length */
    memset(blk, 0, 64);
    size_t j = 0;
    if (start == 0)
        blk[j++] = prefix;
    if (start + j < total) {
        size_t end = total < start + 64 ? total : start + 64;
        memcpy(blk + j, m + start + j - 1, end - start - j);
        j = end - start;
    }
    if (start + j == total && j < 64)
        blk[j] = 0x80;
    if (start + 64 == padded) {
        uint64_t bits = (uint64_t)total * 8;
        for (int k = 0; k < 8; k++)
            blk[56 + k] = (uint8_t)(bits >> (56 - 8 * k));
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

static const uint32_t round_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#define AVX2 __attribute__((target("avx2")))
#define ROTR(x, n) _mm256_or_si256(_mm256_srli_epi32(x, n), _mm256_slli_epi32(x, 32 - (n)))
#define XOR3(a, b, c) _mm256_xor_si256(_mm256_xor_si256(a, b), c)
#define ADD(a, b) _mm256_add_epi32(a, b)

/* The 64 rounds, eight per pass with the working variables renamed rather than moved, then the
 * state's update: for either width (R its round, A its addition). */
#define SIXTY_FOUR_ROUNDS(R, A)                                                               \
    do {                                                                                      \
        for (int t = 0; t < 64; t += 8) {                                                     \
            R(a, b, c, d, e, f, g, h, t);                                                     \
            R(h, a, b, c, d, e, f, g, t + 1);                                                 \
            R(g, h, a, b, c, d, e, f, t + 2);                                                 \
            R(f, g, h, a, b, c, d, e, t + 3);                                                 \
            R(e, f, g, h, a, b, c, d, t + 4);                                                 \
            R(d, e, f, g, h, a, b, c, t + 5);                                                 \
            R(c, d, e, f, g, h, a, b, t + 6);                                                 \
            R(b, c, d, e, f, g, h, a, t + 7);                                                 \
        }                                                                                     \
        s[0] = A(s[0], a), s[1] = A(s[1], b), s[2] = A(s[2], c), s[3] = A(s[3], d);           \
        s[4] = A(s[4], e), s[5] = A(s[5], f), s[6] = A(s[6], g), s[7] = A(s[7], h);           \
    } while (0)

/* Words 8h..8h+7 of every lane's block, big-endian, as eight vectors (word j of lane l in
 * element l of w[j]): eight loads, a byte swap each, and an 8x8 transpose of 32-bit elements. */
AVX2 static void load_words(uint8_t blk[8][64], int h, __m256i *w)
{
    const __m256i swap = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3,
                                          2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    __m256i r[8], t[8], u[8];
    for (int l = 0; l < 8; l++)
        r[l] = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(blk[l] + 32 * h)), swap);
    for (int l = 0; l < 8; l += 2) {
        t[l] = _mm256_unpacklo_epi32(r[l], r[l + 1]);
        t[l + 1] = _mm256_unpackhi_epi32(r[l], r[l + 1]);
    }
    for (int q = 0; q < 8; q += 4) {
        u[q] = _mm256_unpacklo_epi64(t[q], t[q + 2]);
        u[q + 1] = _mm256_unpackhi_epi64(t[q], t[q + 2]);
        u[q + 2] = _mm256_unpacklo_epi64(t[q + 1], t[q + 3]);
        u[q + 3] = _mm256_unpackhi_epi64(t[q + 1], t[q + 3]);
    }
    for (int j = 0; j < 4; j++) {
        w[j] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x20);
        w[j + 4] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x31);
    }
}

/* One block in every lane: state s[8] (a..h, lane-wise) advanced by the blocks blk[lane]. */
AVX2 static void compress8(__m256i s[8], uint8_t blk[8][64])
{
    __m256i w[64];
    load_words(blk, 0, w);
    load_words(blk, 1, w + 8);
    for (int t = 16; t < 64; t++) {
        __m256i s0 = XOR3(ROTR(w[t - 15], 7), ROTR(w[t - 15], 18), _mm256_srli_epi32(w[t - 15], 3));
        __m256i s1 = XOR3(ROTR(w[t - 2], 17), ROTR(w[t - 2], 19), _mm256_srli_epi32(w[t - 2], 10));
        w[t] = ADD(ADD(s1, w[t - 7]), ADD(s0, w[t - 16]));
    }
    __m256i a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    /* eight rounds per pass with the variables renamed, not moved; Maj(a,b,c) = b ^ ((a ^ b) &
     * (b ^ c)), where b ^ c is the previous round's a ^ b */
    __m256i ab, bc = _mm256_xor_si256(b, c);
#define ROUND(a, b, c, d, e, f, g, h, t)                                                      \
    do {                                                                                      \
        __m256i S1 = XOR3(ROTR(e, 6), ROTR(e, 11), ROTR(e, 25));                              \
        __m256i ch = _mm256_xor_si256(_mm256_and_si256(e, f), _mm256_andnot_si256(e, g));     \
        __m256i t1 = ADD(ADD(h, S1), ADD(ch, ADD(_mm256_set1_epi32((int)round_k[t]), w[t]))); \
        __m256i S0 = XOR3(ROTR(a, 2), ROTR(a, 13), ROTR(a, 22));                              \
        ab = _mm256_xor_si256(a, b);                                                          \
        __m256i maj = _mm256_xor_si256(b, _mm256_and_si256(ab, bc));                          \
        bc = ab;                                                                              \
        d = ADD(d, t1);                                                                       \
        h = ADD(t1, ADD(S0, maj));                                                            \
    } while (0)
    SIXTY_FOUR_ROUNDS(ROUND, ADD);
#undef ROUND
}

/* Each lane's block count (0 for lanes beyond n), and the most of them. */
static size_t lane_blocks(const size_t *len, size_t n, size_t width, size_t *nb)
{
    size_t most = 0;
    for (size_t l = 0; l < width; l++) {
        nb[l] = l < n ? blocks_of(len[l]) : 0;
        if (nb[l] > most)
            most = nb[l];
    }
    return most;
}

/* Block b of every lane into blk (64 bytes a lane); a lane past its message idles on a block
 * cleared once. */
static void fill_lanes(uint8_t prefix, const uint8_t *const *msg, const size_t *len,
                       const size_t *nb, size_t width, size_t b, uint8_t (*blk)[64])
{
    for (size_t l = 0; l < width; l++) {
        if (b < nb[l])
            fill_block(prefix, msg[l], len[l], b, blk[l]);
        else if (b == nb[l])
            memset(blk[l], 0, 64);
    }
}

/* Whether a message ends with block b. */
static bool any_ends(const size_t *nb, size_t n, size_t b)
{
    for (size_t l = 0; l < n; l++)
        if (nb[l] == b + 1)
            return true;
    return false;
}

/* The digests of the lanes (of `width`) whose messages end with block b: word i of lane l's
 * state is st[i * width + l]. */
static void take_digests(const uint32_t *st, size_t width, const size_t *nb, size_t b, size_t n,
                         uint8_t (*out)[32])
{
    for (size_t l = 0; l < n; l++) {
        if (nb[l] != b + 1)
            continue;
        for (int i = 0; i < 8; i++) {
            uint32_t v = st[(size_t)i * width + l];
            out[l][4 * i] = (uint8_t)(v >> 24);
            out[l][4 * i + 1] = (uint8_t)(v >> 16);
            out[l][4 * i + 2] = (uint8_t)(v >> 8);
            out[l][4 * i + 3] = (uint8_t)v;
        }
    }
}

/* Up to eight messages (n of them), one per lane. */
AVX2 static void group8(uint8_t prefix, const uint8_t *const *msg, const size_t *len, size_t n,
                        uint8_t (*out)[32])
{
    __m256i s[8];
    for (int i = 0; i < 8; i++)
        s[i] = _mm256_set1_epi32((int)initial[i]);
    size_t nb[8], most = lane_blocks(len, n, 8, nb);
    uint8_t blk[8][64];
    for (size_t b = 0; b < most; b++) {
        fill_lanes(prefix, msg, len, nb, 8, b, blk);
        compress8(s, blk);
        if (!any_ends(nb, n, b))
            continue;
        uint32_t lanes[8][8];
        for (int i = 0; i < 8; i++)
            _mm256_storeu_si256((__m256i *)lanes[i], s[i]);
        take_digests(&lanes[0][0], 8, nb, b, n, out);
    }
}

#define AVX512 __attribute__((target("avx512f,avx512bw")))
#define ROR16(x, n) _mm512_ror_epi32(x, n)
#define XOR3_16(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define ADD16(a, b) _mm512_add_epi32(a, b)

/* One block in each of sixteen lanes: word j of every lane gathered from blk (lane l's block at
 * blk[l]) into one vector and byte-swapped. */
AVX512 static void compress16(__m512i s[8], uint8_t blk[16][64])
{
    const __m512i lane = _mm512_setr_epi32(0, 64, 128, 192, 256, 320, 384, 448, 512, 576, 640,
                                           704, 768, 832, 896, 960);
    const __m512i swap = _mm512_broadcast_i32x4(
        _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
    __m512i w[64];
    for (int j = 0; j < 16; j++)
        w[j] = _mm512_shuffle_epi8(
            _mm512_i32gather_epi32(_mm512_add_epi32(lane, _mm512_set1_epi32(4 * j)), blk, 1),
            swap);
    for (int t = 16; t < 64; t++) {
        __m512i s0 = XOR3_16(ROR16(w[t - 15], 7), ROR16(w[t - 15], 18),
                             _mm512_srli_epi32(w[t - 15], 3));
        __m512i s1 = XOR3_16(ROR16(w[t - 2], 17), ROR16(w[t - 2], 19),
                             _mm512_srli_epi32(w[t - 2], 10));
        w[t] = ADD16(ADD16(s1, w[t - 7]), ADD16(s0, w[t - 16]));
    }
    __m512i a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    /* Ch(e,f,g) = e ? f : g is ternary-logic table 0xCA, Maj(a,b,c) is 0xE8 */
#define ROUND16(a, b, c, d, e, f, g, h, t)                                                     \
    do {                                                                                       \
        __m512i S1 = XOR3_16(ROR16(e, 6), ROR16(e, 11), ROR16(e, 25));                         \
        __m512i ch = _mm512_ternarylogic_epi32(e, f, g, 0xCA);                                 \
        __m512i t1 = ADD16(ADD16(h, S1), ADD16(ch, ADD16(_mm512_set1_epi32((int)round_k[t]),   \
                                                         w[t])));                              \
        __m512i S0 = XOR3_16(ROR16(a, 2), ROR16(a, 13), ROR16(a, 22));                         \
        __m512i maj = _mm512_ternarylogic_epi32(a, b, c, 0xE8);                                \
        d = ADD16(d, t1);                                                                      \
        h = ADD16(t1, ADD16(S0, maj));                                                         \
    } while (0)
    SIXTY_FOUR_ROUNDS(ROUND16, ADD16);
#undef ROUND16
}

/* Up to sixteen messages (n of them), one per lane. */
AVX512 static void group16(uint8_t prefix, const uint8_t *const *msg, const size_t *len,
                           size_t n, uint8_t (*out)[32])
{
    __m512i s[8];
    for (int i = 0; i < 8; i++)
        s[i] = _mm512_set1_epi32((int)initial[i]);
    size_t nb[16], most = lane_blocks(len, n, 16, nb);
    uint8_t blk[16][64];
    for (size_t b = 0; b < most; b++) {
        fill_lanes(prefix, msg, len, nb, 16, b, blk);
        compress16(s, blk);
        if (!any_ends(nb, n, b))
            continue;
        uint32_t lanes[8][16];
        for (int i = 0; i < 8; i++)
            _mm512_storeu_si512(lanes[i], s[i]);
        take_digests(&lanes[0][0], 16, nb, b, n, out);
    }
}

/* The widest the CPU and the caller allow: 16, 8 or 1. */
static int lanes_max = 16;

static int width(void)
{
    static int cpu = 0;
    if (cpu == 0)
        cpu = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") ? 16
              : __builtin_cpu_supports("avx2")                                        ? 8
                                                                                       : 1;
    return cpu < lanes_max ? cpu : lanes_max;
}
#else
static int lanes_max = 16;

static int width(void)
{
    return 1;
}
#endif

int th_sha256_many_limit(int lanes)
{
    lanes_max = lanes >= 16 ? 16 : lanes >= 8 ? 8 : 1;
    return width();
}

void th_sha256_prefixed_many(uint8_t prefix, const uint8_t *const *msg, const size_t *len,
                             size_t count, uint8_t (*out)[32])
{
    /* (a second thread for half of a large batch was measured: slower on this 2-vCPU machine) */
    size_t i = 0;
    int w = width();
#if defined(__x86_64__) && defined(__GNUC__)
    while (w == 16 && count - i > 8) {
        size_t n = count - i < 16 ? count - i : 16;
        group16(prefix, msg + i, len + i, n, out + i);
        i += n;
    }
    while (w >= 8 && count - i >= 2) {
        size_t n = count - i < 8 ? count - i : 8;
        group8(prefix, msg + i, len + i, n, out + i);
        i += n;
    }
#endif
    for (; i < count; i++) {
        th_sha256_ctx *h = th_sha256_new();
        th_sha256_update(h, &prefix, 1);
        th_sha256_update(h, msg[i], len[i]);
        th_sha256_final(h, out[i]);
        th_sha256_free(h);
    }
}
