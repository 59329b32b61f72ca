/* cmd_copy.h — a command that owns what it points to.
 *
 * A th_cmd points into its caller's memory (a request's parsed body, a CLI's arguments). A
 * command handed to the writer without waiting for it (the server's writes, set aside while their
 * batch commits: server/http.c) must outlive the request that made it, so it is copied whole:
 * every text, array and parcel it names, each copied pointer pointing into the copy's own
 * allocations. What was NULL stays NULL. */
#ifndef TH_CMD_COPY_H
#define TH_CMD_COPY_H

#include "engine/engine.h"

typedef struct {
    th_cmd cmd;
    void **owned; /* the allocations cmd points into */
    size_t nowned, capowned;
} th_cmd_copy;

void th_cmd_copy_make(th_cmd_copy *to, const th_cmd *from);
void th_cmd_copy_free(th_cmd_copy *c);

#endif
