/* api_access.h — the API's own credentials as resources (api_access.c): a user's tokens and
 * sessions, listed, made and revoked, and the users, an operator's to list and add. */
#ifndef TH_API_ACCESS_H
#define TH_API_ACCESS_H

#include "server/api.h"

int th_api_get_tokens(const th_api_req *r, th_api_resp *out);
int th_api_post_token(const th_api_req *r, th_api_resp *out);
int th_api_delete_token(const th_api_req *r, th_api_resp *out);
int th_api_get_users(const th_api_req *r, th_api_resp *out);
int th_api_post_user(const th_api_req *r, th_api_resp *out);

#endif
