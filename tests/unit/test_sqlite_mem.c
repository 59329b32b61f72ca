/* test_sqlite_mem.c — SQLite's memory from per-thread free lists (store/sqlite_mem.h): blocks
 * aligned and as large as asked, a freed block handed out again to its thread, a realloc keeping
 * its bytes, large blocks past the lists, a list's limit, and threads that free what another
 * made and then exit (under the sanitizers, their lists freed: no leak). */
#include "test.h"

#include "store/sqlite_mem.h"

#include <pthread.h>
#include <stdint.h>

static const sqlite3_mem_methods *m;

static void *churn(void *arg)
{
    void **blocks = arg;
    for (int i = 0; i < 64; i++)
        m->xFree(blocks[i]); /* made by the main thread, kept in this one's lists */
    for (int i = 0; i < 1000; i++) {
        void *p = m->xMalloc(1 + i % 900);
        memset(p, 0xA5, (size_t)(1 + i % 900));
        m->xFree(p);
    }
    return NULL;
}

TEST(sqlite_mem_blocks_lists_and_threads)
{
    m = th_sqlite_mem_methods();
    CHECK_INT(m->xInit(m->pAppData), SQLITE_OK);
    CHECK(m->xMalloc(0) == NULL);
    for (int n = 1; n <= 5000; n += 37) {
        unsigned char *p = m->xMalloc(n);
        CHECK(p != NULL);
        CHECK_INT((uintptr_t)p % 16, 0);
        CHECK(m->xSize(p) >= n);
        CHECK(m->xRoundup(n) >= n);
        memset(p, 0x5A, (size_t)m->xSize(p)); /* all of it is the caller's */
        m->xFree(p);
    }
    /* the same class again: the block just freed */
    void *a = m->xMalloc(100);
    m->xFree(a);
    void *b = m->xMalloc(110);
    CHECK(a == b);
    CHECK_INT(m->xSize(b), 112);
    /* a realloc keeps the bytes, within a class and across, and to a large block */
    memcpy(b, "tanhui", 7);
    void *c = m->xRealloc(b, 100);
    CHECK(c == b);
    c = m->xRealloc(c, 600);
    CHECK_STR((char *)c, "tanhui");
    c = m->xRealloc(c, 70000);
    CHECK_STR((char *)c, "tanhui");
    CHECK_INT(m->xSize(c), 70000);
    m->xFree(c);
    m->xFree(NULL);
    /* past the limit a class's blocks go back to malloc: all are freed, none is lost */
    enum { MANY = TH_SQLITE_MEM_KEEP + 100 };
    static void *many[MANY];
    for (int i = 0; i < MANY; i++)
        many[i] = m->xMalloc(48);
    for (int i = 0; i < MANY; i++)
        m->xFree(many[i]);
    /* threads free the main thread's blocks and churn their own, then exit */
    static void *given[4][64];
    pthread_t t[4];
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < 64; i++)
            given[k][i] = m->xMalloc(1 + 13 * i);
        CHECK_INT(pthread_create(&t[k], NULL, churn, given[k]), 0);
    }
    for (int k = 0; k < 4; k++)
        pthread_join(t[k], NULL);
}
