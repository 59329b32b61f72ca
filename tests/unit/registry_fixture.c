/* registry_fixture.c — what the registry tests share. */
#include "registry_fixture.h"

#include "base/buf.h"
#include "ledger/issuance.h"

#include <stdlib.h>
#include <string.h>

int64_t th_test_held(th_db *db, const char *account)
{
    th_buf b;
    th_buf_init(&b);
    th_err e;
    int64_t v = -1;
    if (th_holdings_json(db, account, &b, &e) == 0) {
        const char *p = strstr(b.p, "\"available\":");
        v = p ? strtoll(p + 12, NULL, 10) : -1;
    }
    th_buf_free(&b);
    return v;
}
