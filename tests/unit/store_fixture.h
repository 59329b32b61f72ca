/* store_fixture.h — what the store's tests share: a new database in the test run's directory,
 * and taking a database back to an older schema version, so that a test can watch the migrations
 * bring it up to date again. */
#ifndef TH_STORE_FIXTURE_H
#define TH_STORE_FIXTURE_H

#include "store/db.h"

/* A new database NAME in the test run's directory (one left by an earlier test replaced); NULL,
 * with the test failed, when it cannot be made. */
th_db *th_test_db_new(const char *name);
/* The first column of the first row of sql (-1 when it cannot be read). */
int64_t th_test_scalar(th_db *db, const char *sql);
/* Undo the migrations after `version` (their tables, indexes and rows go) and record the
 * version; 0 or -1. */
int th_test_downgrade(th_db *db, int version, th_err *e);

#endif
