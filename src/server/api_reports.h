/* api_reports.h — the API's projects, monitoring reports and uploads (api_reports.c). */
#ifndef TH_API_REPORTS_H
#define TH_API_REPORTS_H

#include "server/api.h"

int th_api_get_project(const th_api_req *r, th_api_resp *out);
int th_api_post_project(const th_api_req *r, th_api_resp *out);
int th_api_get_reports(const th_api_req *r, th_api_resp *out);
int th_api_get_report(const th_api_req *r, th_api_resp *out);
int th_api_post_report(const th_api_req *r, th_api_resp *out);
int th_api_post_upload(const th_api_req *r, th_api_resp *out);

#endif
