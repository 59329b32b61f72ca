/* store_fixture.h — what the store's tests share: taking a database back to an older schema
 * version, so that a test can watch the migrations bring it up to date again. */
#ifndef TH_STORE_FIXTURE_H
#define TH_STORE_FIXTURE_H

#include "store/db.h"

/* Undo the migrations after `version` (their tables, indexes and rows go) and record the
 * version; 0 or -1. */
int th_test_downgrade(th_db *db, int version, th_err *e);

#endif
