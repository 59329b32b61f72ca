/* api_registry.h — the API's public registry views for the web app (api_registry.c): a
 * project's issuances, a serial number's block and history, and the log's checkpoints. */
#ifndef TH_API_REGISTRY_H
#define TH_API_REGISTRY_H

#include "server/api.h"

int th_api_get_issuances(const th_api_req *r, th_api_resp *out);
int th_api_get_parcels(const th_api_req *r, th_api_resp *out);
int th_api_get_serial(const th_api_req *r, th_api_resp *out);
int th_api_get_checkpoints(const th_api_req *r, th_api_resp *out);

#endif
