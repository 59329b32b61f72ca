/* parcel_map.h — a project's parcels for its map: each parcel's outline and its change in
 * carbon stock, from the inventories of the project's latest monitoring report.
 *
 * The outlines are not registry state: they are in the inventory files the report measured,
 * whose SHA-256 the report (and so the log) recorded. So the map is made from those files,
 * checked against those hashes (a file that changed since is refused, not drawn), and measured
 * again with the project's parameter table; only GIS files (GeoPackage, shapefile...) have
 * outlines. It reads the files on every call: a project of a million parcels takes seconds. */
#ifndef TH_PARCEL_MAP_H
#define TH_PARCEL_MAP_H

#include "base/buf.h"
#include "base/err.h"
#include "store/db.h"

/* {"project", "report", "parcels": [{"key", "forest_type", "forest_type_zh", "change_tco2e",
 * "area_ha", "ring": [[x, y], ...] (absent when the file has no outline)}]}, the latest survey's
 * record of each parcel. A project without a report has no parcels. */
int th_parcel_map_json(th_db *db, const char *project, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
