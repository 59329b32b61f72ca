/* sqlite_mem.h — SQLite's memory, from free lists kept by each thread.
 *
 * Debian's SQLite is built without lookaside (OMIT_LOOKASIDE), so every statement it steps
 * allocates and frees several small blocks: cursors, records, the journal of a savepoint. glibc's
 * per-thread cache holds seven blocks of a size; SQLite frees dozens at a time, so most frees
 * went the long way (_int_free), and malloc and free were 7 % of an order's instructions. These
 * methods (SQLITE_CONFIG_MALLOC) keep the freed blocks of up to 1 KiB, by size class of 16 bytes,
 * in lists of the freeing thread (up to TH_SQLITE_MEM_KEEP a class), and hand them out again to
 * that thread; larger blocks, and blocks past the limit, go to malloc and free. A thread's lists
 * hold at most 256 blocks of each of the 64 sizes, 8.5 MB if every size filled; in use they hold
 * the few sizes SQLite asks for (the soak in BENCHMARKS.md: the server's memory stays flat).
 *
 * Invariants: every block carries a 16-byte header with its size class (0: a large block) and
 * its usable size, so that xSize and xFree need no lookup; a block freed by another thread than
 * the one that made it joins the freeing thread's lists (memory moves between threads, bounded by
 * the limit); a thread's lists are freed when it exits. Not used in the sanitizer build, whose
 * malloc finds what this would hide (a block used after SQLite freed it). */
#ifndef TH_SQLITE_MEM_H
#define TH_SQLITE_MEM_H

#include <sqlite3.h>

enum { TH_SQLITE_MEM_KEEP = 256 };

/* The methods, for sqlite3_config(SQLITE_CONFIG_MALLOC, ...) (and for tests). */
const sqlite3_mem_methods *th_sqlite_mem_methods(void);

#endif
