/* params_default.h — the default parameter table (data/params-default.csv), compiled in. */
#ifndef TH_PARAMS_DEFAULT_H
#define TH_PARAMS_DEFAULT_H

extern const char th_params_default_csv[];
extern const unsigned long th_params_default_len;

#define TH_PARAMS_DEFAULT_NAME "(built-in) params-default.csv"

#endif
