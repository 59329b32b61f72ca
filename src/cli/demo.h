/* demo.h — what the two halves of `tanhui demo` share: the run's state (the database, the
 * engine, its clock, the random numbers) and applying commands at the clock's time.
 *
 * cmd_demo.c builds the registry (accounts, a project in each of the ten counties measured from
 * its generated inventory, reports verified and issued, beneficiaries, logins); demo_market.c
 * the exchange's history (instruments, days of trading, a block trade, an auction, transfers
 * and retirements) and the book left open. Every change goes through the engine like any
 * command, so the log holds it and `tanhui log verify` replays it. */
#ifndef TH_DEMO_H
#define TH_DEMO_H

#include "base/err.h"
#include "engine/engine.h"
#include "store/db.h"

#include <stdint.h>

enum { TH_DEMO_COMPANIES = 3 };

typedef struct {
    th_db *db;
    th_engine *en;
    int64_t t;              /* the clock: seconds since the epoch */
    uint64_t rng;           /* xorshift64* state: the same seed gives the same demo */
    int days;               /* days of trading history */
    int64_t first_day;      /* the first one's midnight in Shanghai, as a UTC time */
    const char *owners[10]; /* each county's project owner (a state forest farm) */
    int64_t projects[10];
    const char *companies[TH_DEMO_COMPANIES];
    int64_t commands, trades; /* applied, and trades made */
} th_demo;

/* A random number in [0, n). */
uint64_t th_demo_rand(th_demo *d, uint64_t n);
/* Apply cmds[0..n) (n <= 64) as one batch at the clock's time; every command must succeed (the
 * demo's own commands: a failure is a bug, said with `what`). res, when given, gets the first
 * command's result JSON. */
int th_demo_apply(th_demo *d, const th_cmd *cmds, size_t n, const char *what, th_buf *res,
                  th_err *e) __attribute__((warn_unused_result));
/* The id in a command's result JSON ("id"), as text. */
int th_demo_result_id(const th_buf *res, char out[24], th_err *e)
    __attribute__((warn_unused_result));
/* The exchange's history, from the day after the registry was built to now. */
int th_demo_market(th_demo *d, int64_t now, th_err *e) __attribute__((warn_unused_result));

#endif
