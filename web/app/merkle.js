// merkle.js — checking the transparency log in the browser, with WebCrypto only: RFC 9162
// §2.1 Merkle tree hashes (SHA-256), inclusion and consistency proofs (§2.1.3.2, §2.1.4.2), and
// the checkpoint's C2SP signed note, signed with Ed25519. Nothing here trusts the server: a
// proof either reproduces the signed root or it does not.

const subtle = globalThis.crypto.subtle;

export function hex(b) {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

export function unhex(s) {
  if (!/^([0-9a-f]{2})*$/.test(s)) throw new Error(`not hex: ${s.slice(0, 20)}`);
  return Uint8Array.from(s.match(/../g) || [], (h) => parseInt(h, 16));
}

export function unbase64(s) {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

async function sha256(...parts) {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const buf = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { buf.set(p, o); o += p.length; }
  return new Uint8Array(await subtle.digest('SHA-256', buf));
}

export const leafHash = (entry) => sha256(Uint8Array.of(0), entry);
const nodeHash = (l, r) => sha256(Uint8Array.of(1), l, r);

function eq(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// RFC 9162 §2.1.3.2: does proof (hashes) show leaf at index in a tree of size with root?
export async function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size || leaf.length !== 32 || root.length !== 32 || proof.some((p) => p.length !== 32)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eq(r, root);
}

// RFC 9162 §2.1.4.2: does proof show that the tree of size1 (root1) is a prefix of size2 (root2)?
export async function verifyConsistency(size1, size2, proof, root1, root2) {
  if (size1 > size2 || proof.some((p) => p.length !== 32)) return false;
  if (size1 === 0) return false; // nothing to prove: asked for, it is a mistake
  if (size1 === size2) return proof.length === 0 && eq(root1, root2);
  if (root1.length !== 32 || root2.length !== 32) return false;
  if (proof.length === 0) return false;
  let path = proof;
  if ((size1 & (size1 - 1)) === 0) path = [root1, ...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eq(fr, root1) && eq(sr, root2);
}

// The log's verifier key ("<name>+<hex key hash>+<base64(0x01 || public key)>") as
// {name, hash (4 bytes), key (a WebCrypto Ed25519 key)}.
export async function parseVerifierKey(text) {
  // the base64 may hold '+' too: the name and the hash end at the first two
  const s = text.trim();
  const i = s.indexOf('+');
  const j = s.indexOf('+', i + 1);
  const [name, hash, b64] = [s.slice(0, i), s.slice(i + 1, j), s.slice(j + 1)];
  const raw = unbase64(b64);
  if (raw.length !== 33 || raw[0] !== 1) throw new Error('not an Ed25519 verifier key');
  const key = await subtle.importKey('raw', raw.slice(1), { name: 'Ed25519' }, false, ['verify']);
  return { name, hash: unhex(hash.padStart(8, '0')), key };
}

// A checkpoint (C2SP tlog-checkpoint in a signed note): {origin, size, root, ok} where ok says
// whether a signature line of the key's name and hash verifies over the note's text.
export async function checkNote(note, vkey) {
  const cut = note.indexOf('\n\n');
  if (cut < 0) throw new Error('not a signed note');
  const text = note.slice(0, cut + 1);
  const [origin, size, root] = text.split('\n');
  let ok = false;
  for (const line of note.slice(cut + 2).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== vkey.name) continue;
    const sig = unbase64(m[2]);
    if (sig.length !== 68 || !eq(sig.slice(0, 4), vkey.hash)) continue;
    ok = await subtle.verify({ name: 'Ed25519' }, vkey.key, sig.slice(4), new TextEncoder().encode(text));
    if (ok) break;
  }
  return { origin, size: Number(size), root: unbase64(root), ok };
}
