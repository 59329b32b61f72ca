/* registry_fixture.h — what the registry tests share. */
#ifndef TH_REGISTRY_FIXTURE_H
#define TH_REGISTRY_FIXTURE_H

#include "store/db.h"

#include <stdint.h>

/* The credits `account` holds available (from holdings, as a user sees them); -1 on error. */
int64_t th_test_held(th_db *db, const char *account);

#endif
