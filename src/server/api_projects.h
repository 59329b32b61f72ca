/* api_projects.h — the API's projects, beneficiaries, monitoring reports and uploads (api_projects.c). */
#ifndef TH_API_PROJECTS_H
#define TH_API_PROJECTS_H

#include "server/api.h"

int th_api_get_project(const th_api_req *r, th_api_resp *out);
int th_api_post_project(const th_api_req *r, th_api_resp *out);
int th_api_get_reports(const th_api_req *r, th_api_resp *out);
int th_api_get_report(const th_api_req *r, th_api_resp *out);
int th_api_post_report(const th_api_req *r, th_api_resp *out);
int th_api_post_upload(const th_api_req *r, th_api_resp *out);
int th_api_get_beneficiaries(const th_api_req *r, th_api_resp *out);
int th_api_put_beneficiaries(const th_api_req *r, th_api_resp *out);

#endif
