/* merkle_fixture.h — a Merkle root computed the slow, obvious way (RFC 9162 §2.1, recursively
 * over every leaf hash), for the tests of the stored tree to compare with. */
#ifndef TH_MERKLE_FIXTURE_H
#define TH_MERKLE_FIXTURE_H

#include "log/merkle.h"

void th_test_merkle_root(uint8_t (*leaf)[TH_HASH], int64_t n, uint8_t out[TH_HASH]);

#endif
