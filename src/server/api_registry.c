/* api_registry.c — GET /api/v1/projects/{id}/issuances, /api/v1/projects/{id}/parcels,
 * /api/v1/serials/{serial} and /api/v1/log/checkpoints: public reads, answered from the
 * ledger's, the log's and the inventories' views. */
#include "server/api_registry.h"

#include "engine/parcel_map.h"
#include "ledger/registry_views.h"
#include "log/checkpoints.h"
#include "server/api_req.h"
#include "store/page.h"

int th_api_get_issuances(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_issuances_json(r->db, th_api_param(r, "id"), &out->body, &e), &e);
}

int th_api_get_serial(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_serial_json(r->db, th_api_param(r, "serial"), &out->body, &e), &e);
}

int th_api_get_checkpoints(const th_api_req *r, th_api_resp *out)
{
    th_page pg;
    char times[2][32];
    if (th_api_page_args(r, out, &pg, times))
        return 0;
    th_err e;
    return th_api_answer(out, th_log_checkpoints_json(r->db, &pg, &out->body, &e), &e);
}

int th_api_get_parcels(const th_api_req *r, th_api_resp *out)
{
    th_err e;
    return th_api_answer(out, th_parcel_map_json(r->db, th_api_param(r, "id"), &out->body, &e), &e);
}
