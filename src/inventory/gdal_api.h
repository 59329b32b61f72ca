/* gdal_api.h — GDAL/OGR, loaded when first needed rather than at start.
 *
 * libgdal pulls in a hundred shared libraries; loading them costs every `tanhui` command about
 * 80 ms, though only GIS files need them. So tanhui does not link GDAL: th_gdal_load() opens it
 * with dlopen (the soname found at build time) and fills a table of function pointers, and this
 * header, included after GDAL's own headers, turns each GDAL call into a call through that table.
 * The prototypes stay GDAL's own (through __typeof__), so the compiler checks every call. */
#ifndef TH_GDAL_API_H
#define TH_GDAL_API_H

#include "base/err.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#define TH_GDAL_FUNCTIONS(X)                                                                     \
    X(CPLGetLastErrorMsg) X(CPLSetConfigOption) X(CPLSetErrorHandler) X(CPLQuietErrorHandler) X(GDALAllRegister)       \
    X(GDALClose) X(GDALCreate) X(GDALDatasetCommitTransaction) X(GDALDatasetCreateLayer)         \
    X(GDALDatasetGetLayer) X(GDALDatasetGetLayerCount) X(GDALDatasetStartTransaction)            \
    X(GDALDeleteDataset) X(GDALGetDatasetDriver) X(GDALGetDriverByName)                          \
    X(GDALGetDriverShortName) X(GDALIdentifyDriver) X(GDALOpenEx) X(OGR_FD_GetFieldCount)        \
    X(OGR_FD_GetFieldDefn) X(OGR_FD_GetFieldIndex) X(OGR_F_Create) X(OGR_F_Destroy)              \
    X(OGR_F_GetFID) X(OGR_F_GetFieldAsDateTimeEx) X(OGR_F_GetFieldAsDouble)                      \
    X(OGR_F_GetFieldAsString) X(OGR_F_IsFieldSetAndNotNull) X(OGR_F_SetFieldDateTime)            \
    X(OGR_F_SetFieldDouble) X(OGR_F_SetFieldInteger) X(OGR_F_SetFieldString)                     \
    X(OGR_F_SetGeometryDirectly) X(OGR_Fld_Create) X(OGR_Fld_Destroy) X(OGR_Fld_GetNameRef)      \
    X(OGR_Fld_GetType) X(OGR_Fld_SetPrecision) X(OGR_Fld_SetWidth) X(OGR_G_AddGeometryDirectly)  \
    X(OGR_G_AddPoint_2D) X(OGR_G_CreateGeometry) X(OGR_F_GetGeometryRef) X(OGR_G_GetGeometryRef) \
    X(OGR_G_GetGeometryCount) X(OGR_G_GetGeometryType) X(OGR_G_GetPointCount) X(OGR_G_GetX)       \
    X(OGR_G_GetY) X(OGR_GT_Flatten) X(OGR_L_CreateFeature) X(OGR_L_CreateField)     \
    X(OGR_L_GetLayerDefn) X(OGR_L_GetNextFeature) X(OGR_L_ResetReading)                          \
    X(OGR_L_SetIgnoredFields) X(OSRDestroySpatialReference) X(OSRImportFromEPSG)                 \
    X(OSRNewSpatialReference) X(OSRSetAxisMappingStrategy)

typedef struct {
#define TH_GDAL_FIELD(name) __typeof__(&name) name;
    TH_GDAL_FUNCTIONS(TH_GDAL_FIELD)
#undef TH_GDAL_FIELD
} th_gdal_api;

extern th_gdal_api th_gdal_fn;

/* Load GDAL and register its drivers, once (thread-safe). Fails with a message naming the
 * library when it cannot be loaded. */
int th_gdal_load(th_err *e) __attribute__((warn_unused_result));

#ifndef TH_GDAL_API_IMPL
/* from here on, every GDAL call in this file goes through the table */
#define CPLGetLastErrorMsg th_gdal_fn.CPLGetLastErrorMsg
#define CPLSetConfigOption th_gdal_fn.CPLSetConfigOption
#define CPLSetErrorHandler th_gdal_fn.CPLSetErrorHandler
#define CPLQuietErrorHandler th_gdal_fn.CPLQuietErrorHandler
#define GDALAllRegister th_gdal_fn.GDALAllRegister
#define GDALClose th_gdal_fn.GDALClose
#define GDALCreate th_gdal_fn.GDALCreate
#define GDALDatasetCommitTransaction th_gdal_fn.GDALDatasetCommitTransaction
#define GDALDatasetCreateLayer th_gdal_fn.GDALDatasetCreateLayer
#define GDALDatasetGetLayer th_gdal_fn.GDALDatasetGetLayer
#define GDALDatasetGetLayerCount th_gdal_fn.GDALDatasetGetLayerCount
#define GDALDatasetStartTransaction th_gdal_fn.GDALDatasetStartTransaction
#define GDALDeleteDataset th_gdal_fn.GDALDeleteDataset
#define GDALGetDatasetDriver th_gdal_fn.GDALGetDatasetDriver
#define GDALGetDriverByName th_gdal_fn.GDALGetDriverByName
#define GDALGetDriverShortName th_gdal_fn.GDALGetDriverShortName
#define GDALIdentifyDriver th_gdal_fn.GDALIdentifyDriver
#define GDALOpenEx th_gdal_fn.GDALOpenEx
#define OGR_FD_GetFieldCount th_gdal_fn.OGR_FD_GetFieldCount
#define OGR_FD_GetFieldDefn th_gdal_fn.OGR_FD_GetFieldDefn
#define OGR_FD_GetFieldIndex th_gdal_fn.OGR_FD_GetFieldIndex
#define OGR_F_Create th_gdal_fn.OGR_F_Create
#define OGR_F_Destroy th_gdal_fn.OGR_F_Destroy
#define OGR_F_GetFID th_gdal_fn.OGR_F_GetFID
#define OGR_F_GetFieldAsDateTimeEx th_gdal_fn.OGR_F_GetFieldAsDateTimeEx
#define OGR_F_GetFieldAsDouble th_gdal_fn.OGR_F_GetFieldAsDouble
#define OGR_F_GetFieldAsString th_gdal_fn.OGR_F_GetFieldAsString
#define OGR_F_IsFieldSetAndNotNull th_gdal_fn.OGR_F_IsFieldSetAndNotNull
#define OGR_F_SetFieldDateTime th_gdal_fn.OGR_F_SetFieldDateTime
#define OGR_F_SetFieldDouble th_gdal_fn.OGR_F_SetFieldDouble
#define OGR_F_SetFieldInteger th_gdal_fn.OGR_F_SetFieldInteger
#define OGR_F_SetFieldString th_gdal_fn.OGR_F_SetFieldString
#define OGR_F_SetGeometryDirectly th_gdal_fn.OGR_F_SetGeometryDirectly
#define OGR_Fld_Create th_gdal_fn.OGR_Fld_Create
#define OGR_Fld_Destroy th_gdal_fn.OGR_Fld_Destroy
#define OGR_Fld_GetNameRef th_gdal_fn.OGR_Fld_GetNameRef
#define OGR_Fld_GetType th_gdal_fn.OGR_Fld_GetType
#define OGR_Fld_SetPrecision th_gdal_fn.OGR_Fld_SetPrecision
#define OGR_Fld_SetWidth th_gdal_fn.OGR_Fld_SetWidth
#define OGR_G_AddGeometryDirectly th_gdal_fn.OGR_G_AddGeometryDirectly
#define OGR_G_AddPoint_2D th_gdal_fn.OGR_G_AddPoint_2D
#define OGR_G_CreateGeometry th_gdal_fn.OGR_G_CreateGeometry
#define OGR_F_GetGeometryRef th_gdal_fn.OGR_F_GetGeometryRef
#define OGR_G_GetGeometryRef th_gdal_fn.OGR_G_GetGeometryRef
#define OGR_G_GetGeometryCount th_gdal_fn.OGR_G_GetGeometryCount
#define OGR_G_GetGeometryType th_gdal_fn.OGR_G_GetGeometryType
#define OGR_G_GetPointCount th_gdal_fn.OGR_G_GetPointCount
#define OGR_G_GetX th_gdal_fn.OGR_G_GetX
#define OGR_G_GetY th_gdal_fn.OGR_G_GetY
#define OGR_GT_Flatten th_gdal_fn.OGR_GT_Flatten
#define OGR_L_CreateFeature th_gdal_fn.OGR_L_CreateFeature
#define OGR_L_CreateField th_gdal_fn.OGR_L_CreateField
#define OGR_L_GetLayerDefn th_gdal_fn.OGR_L_GetLayerDefn
#define OGR_L_GetNextFeature th_gdal_fn.OGR_L_GetNextFeature
#define OGR_L_ResetReading th_gdal_fn.OGR_L_ResetReading
#define OGR_L_SetIgnoredFields th_gdal_fn.OGR_L_SetIgnoredFields
#define OSRDestroySpatialReference th_gdal_fn.OSRDestroySpatialReference
#define OSRImportFromEPSG th_gdal_fn.OSRImportFromEPSG
#define OSRNewSpatialReference th_gdal_fn.OSRNewSpatialReference
#define OSRSetAxisMappingStrategy th_gdal_fn.OSRSetAxisMappingStrategy
#endif

#endif
