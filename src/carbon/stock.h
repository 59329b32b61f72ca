/* stock.h — the carbon arithmetic of one parcel (docs/measurement.md, "Biomass" and "Stock").
 * Pure functions; the order of floating-point operations is fixed here and only here, so that a
 * result is reproducible to the last digit. */
#ifndef TH_STOCK_H
#define TH_STOCK_H

#include "carbon/params.h"

/* Biomass density B in tonnes of dry matter per hectare. volume in m3/ha; stems_ha is used only
 * by the stem method (the caller checks that it is present). */
double th_biomass_density(const th_forest_type *t, double volume_m3_ha, double stems_ha);

/* Stock S = A * B * CF * 44/12 in tCO2e. */
double th_stock_tco2e(double area_ha, double biomass_t_ha, double carbon_fraction);

/* Both together, for one parcel. */
double th_parcel_stock(const th_forest_type *t, double area_ha, double volume_m3_ha,
                       double stems_ha);

#endif
