/* gdal_api.c — loading GDAL with dlopen; see gdal_api.h for why. */
#define TH_GDAL_API_IMPL
#include "inventory/gdal_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TH_GDAL_SONAME
#define TH_GDAL_SONAME "libgdal.so"
#endif

th_gdal_api th_gdal_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[400];

static void load(void)
{
    /* TANHUI_GDAL_LIBRARY names another libgdal (tests use it to see GDAL missing) */
    const char *lib = getenv("TANHUI_GDAL_LIBRARY");
    if (!lib || !*lib)
        lib = TH_GDAL_SONAME;
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        strncpy(load_error, why ? why : lib, sizeof load_error - 1);
        return;
    }
#define TH_GDAL_LOAD(name)                                                    \
    *(void **)(&th_gdal_fn.name) = dlsym(h, #name);                           \
    if (!th_gdal_fn.name) {                                                   \
        snprintf(load_error, sizeof load_error, "%s has no %s", lib, #name);  \
        return;                                                               \
    }
    TH_GDAL_FUNCTIONS(TH_GDAL_LOAD)
#undef TH_GDAL_LOAD
    th_gdal_fn.GDALAllRegister();
    th_gdal_fn.CPLSetErrorHandler(th_gdal_fn.CPLQuietErrorHandler); /* we report errors ourselves */
}

int th_gdal_load(th_err *e)
{
    pthread_once(&once, load);
    if (load_error[0])
        return th_fail(e, TH_EIO, "GIS formats need GDAL, which could not be loaded: %s "
                                  "(install the Debian package libgdal32, or run scripts/deps.sh)",
                       load_error);
    return 0;
}
