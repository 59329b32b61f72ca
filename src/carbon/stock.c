/* stock.c — per-parcel biomass and stock. */
#include "carbon/stock.h"

double th_biomass_density(const th_forest_type *t, double v, double stems_ha)
{
    switch (t->method) {
    case TH_METHOD_FANG:
        /* ours: the intercept must not give bare land a biomass */
        return v > 0 ? t->a * v + t->b : 0.0;
    case TH_METHOD_BEF:
        return v * t->wood_density * t->bef * (1.0 + t->root_shoot);
    case TH_METHOD_STEM:
        return stems_ha * t->kg_per_stem / 1000.0;
    }
    return 0.0;
}

double th_stock_tco2e(double area_ha, double b, double cf)
{
    return area_ha * b * cf * 44.0 / 12.0;
}

double th_parcel_stock(const th_forest_type *t, double area_ha, double v, double stems_ha)
{
    return th_stock_tco2e(area_ha, th_biomass_density(t, v, stems_ha), t->carbon_fraction);
}
