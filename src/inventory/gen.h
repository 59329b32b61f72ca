/* gen.h — a synthetic, Shaoguan-like pair of forest inventories (pure: no I/O).
 *
 * Clearly synthetic data for demos, tests and benchmarks: the city's ten real counties and
 * districts (with their real administrative codes), generated township and village names,
 * owners that are state forest farms, village collectives and households, forest types in
 * south-China shares, ages and stock volumes that follow growth curves by type, a second survey
 * five years later in which stands have grown, some were felled, some newly planted and a few
 * left the forest land. The same seed gives the same parcels, bit for bit. */
#ifndef TH_GEN_H
#define TH_GEN_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { TH_OWNER_STATE, TH_OWNER_COLLECTIVE, TH_OWNER_HOUSEHOLD } th_owner_kind;

typedef struct {
    char parcel_id[64];
    char county[40], township[40], village[40];
    char xian[12], xiang[12], cun[12], lin_ban[12], xiao_ban[12];
    char owner[80];
    th_owner_kind owner_kind;
    const char *forest_type;     /* Chinese name, as inventories write it */
    const char *forest_type_id;
    double area_ha;              /* 2 decimals */
    double volume_m3_ha;         /* 1 decimal */
    int age;
    int32_t date;
    const char *origin;          /* QI_YUAN: "11" natural, "21" planted */
    const char *land_class;      /* DI_LEI */
    const char *land_owner;      /* LD_QS: "10" state, "20" collective */
    double ring[6][2];           /* lon, lat: a closed ring of 5 corners + the first again */
} th_gen_record;

typedef struct th_gen th_gen;

/* The ten counties and districts, in the order the generator makes their parcels. */
enum { TH_GEN_COUNTIES = 10 };
const char *th_gen_county(int i);

th_gen *th_gen_new(uint64_t seed, int64_t parcels);
void th_gen_free(th_gen *g);
/* The next parcel: fills the records present; false when all parcels were given. */
bool th_gen_next(th_gen *g, th_gen_record *before, bool *has_before, th_gen_record *after,
                 bool *has_after);

#endif
