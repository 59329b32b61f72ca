/* bench_measure.c — `tanhui measure` against what a GIS analyst would do instead.
 *
 * Generates (once, cached in build/bench-data) a pair of surveys of N parcels (default 1,000,000;
 * TANHUI_BENCH_PARCELS) as CSV and as GeoPackage, then times, RUNS times each (default 3,
 * TANHUI_BENCH_RUNS), in the same run on the same files:
 *   - build/tanhui measure --json on the CSV pair (hashing of the inputs included);
 *   - the sqlite3 route: import both CSVs and the parameter table into the sqlite3 shell and
 *     compute the same totals (matched parcels, change) with one SQL statement;
 *   - build/tanhui measure --json on the GeoPackage pair;
 *   - the ogrinfo route: `ogrinfo -dialect sqlite -sql` with the same statement on a GeoPackage
 *     holding both surveys as layers (GDAL's SQLite dialect cannot join across files without
 *     scanning one of them once per row of the other).
 * It checks that every route found the same totals, and prints one JSON object per input with
 * medians, parcels per second (rows of both surveys / median seconds) and ratios. For the CSV it
 * also times SHA-256 of the two files alone, one file per core: the floor under any route that
 * hashes its inputs, and so the best ratio this machine allows (ratio_ceiling_with_hashing). */
#include "base/buf.h"
#include "base/err.h"
#include "inventory/gen_write.h"
#include "inventory/inventory.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run a shell command, its stdout into out; returns seconds, or -1 on failure. */
static double timed(const char *cmd, th_buf *out)
{
    th_buf_reset(out);
    double t0 = now();
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        th_buf_put(out, buf, n);
    int st = pclose(p);
    double t = now() - t0;
    if (st != 0) {
        fprintf(stderr, "bench: failed (%d): %s\n", st, cmd);
        return -1;
    }
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* "key":number from tanhui's JSON (the first, top-level one). */
static double json_num(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = json ? strstr(json, pat) : NULL;
    return p ? strtod(p + strlen(pat), NULL) : NAN;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static int agree(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fabs(b) + 1e-6;
}

/* The analyst's statement: matched parcels, and the change as sum(after) - sum(before). gis:
 * the inventory's own column names (the GeoPackage), else ours (the CSV). */
static const char *sql_body(const char *b, const char *a, const char *key, int gis)
{
    const char *area = gis ? "MIAN_JI" : "area_ha", *vol = gis ? "HUO_LMGQXJ" : "volume_m3_ha",
               *type = gis ? "YOU_SHI_SZ" : "forest_type";
    static char sql[4096];
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM %s x JOIN %s y ON %s) AS matched, "
             "(SELECT sum(x.%s * (CASE WHEN x.%s > 0 THEN p.a * x.%s + p.b ELSE 0 END) * "
             "p.carbon_fraction * 44.0 / 12) FROM %s x JOIN p ON p.name_zh = x.%s) - "
             "(SELECT sum(x.%s * (CASE WHEN x.%s > 0 THEN p.a * x.%s + p.b ELSE 0 END) * "
             "p.carbon_fraction * 44.0 / 12) FROM %s x JOIN p ON p.name_zh = x.%s) AS change",
             a, b, key, area, vol, vol, a, type, area, vol, vol, b, type);
    return sql;
}

/* The floor under any route that hashes its inputs: SHA-256 of both files, one per core. */
typedef struct {
    const char *path;
    char hex[65];
} hash_job;

static void *hash_main(void *arg)
{
    hash_job *j = arg;
    th_err e;
    if (th_file_sha256(j->path, j->hex, &e) != 0)
        j->hex[0] = '\0';
    return NULL;
}

static double hash_both(const char *b, const char *a)
{
    hash_job jb = {b, ""}, ja = {a, ""};
    double t0 = now();
    pthread_t tid;
    if (pthread_create(&tid, NULL, hash_main, &ja) != 0)
        return -1;
    hash_main(&jb);
    pthread_join(tid, NULL);
    return jb.hex[0] && ja.hex[0] ? now() - t0 : -1;
}

int main(void)
{
    const char *dir = getenv("TANHUI_BENCH_DIR") ? getenv("TANHUI_BENCH_DIR") : "build/bench-data";
    long parcels = getenv("TANHUI_BENCH_PARCELS") ? atol(getenv("TANHUI_BENCH_PARCELS")) : 1000000;
    int runs = getenv("TANHUI_BENCH_RUNS") ? atoi(getenv("TANHUI_BENCH_RUNS")) : 3;
    if (runs < 1 || runs > 50 || parcels < 1) {
        fprintf(stderr, "bench: bad TANHUI_BENCH_RUNS or TANHUI_BENCH_PARCELS\n");
        return 2;
    }
    mkdir("build", 0755);
    mkdir(dir, 0755);
    char b_csv[512], a_csv[512], b_gpkg[512], a_gpkg[512], both[512], cmd[8192];
    snprintf(b_csv, sizeof b_csv, "%s/b-%ld.csv", dir, parcels);
    snprintf(a_csv, sizeof a_csv, "%s/a-%ld.csv", dir, parcels);
    snprintf(b_gpkg, sizeof b_gpkg, "%s/b-%ld.gpkg", dir, parcels);
    snprintf(a_gpkg, sizeof a_gpkg, "%s/a-%ld.gpkg", dir, parcels);
    snprintf(both, sizeof both, "%s/both-%ld.gpkg", dir, parcels);
    th_err e;
    th_gen_counts n;
    if (!exists(a_csv) || !exists(b_csv)) {
        fprintf(stderr, "bench: generating %ld parcels as CSV...\n", parcels);
        if (th_gen_write(1, parcels, TH_GEN_CSV, b_csv, a_csv, &n, &e) != 0) {
            fprintf(stderr, "bench: %s\n", e.msg);
            return 1;
        }
    }
    if (!exists(a_gpkg) || !exists(b_gpkg) || !exists(both)) {
        fprintf(stderr, "bench: generating %ld parcels as GeoPackage...\n", parcels);
        if (th_gen_write(1, parcels, TH_GEN_GPKG, b_gpkg, a_gpkg, &n, &e) != 0) {
            fprintf(stderr, "bench: %s\n", e.msg);
            return 1;
        }
        unlink(both);
        snprintf(cmd, sizeof cmd,
                 "ogr2ogr -f GPKG %s %s -nln before xiaoban && "
                 "ogr2ogr -update %s %s -nln after xiaoban && "
                 "ogr2ogr -update %s data/params-default.csv -nln p -oo AUTODETECT_TYPE=YES",
                 both, b_gpkg, both, a_gpkg, both);
        if (system(cmd) != 0) {
            fprintf(stderr, "bench: ogr2ogr failed\n");
            return 1;
        }
    }
    char sqlfile[600];
    snprintf(sqlfile, sizeof sqlfile, "%s/route.sql", dir);
    FILE *f = fopen(sqlfile, "w");
    if (!f)
        return 1;
    fprintf(f, ".mode csv\n.import %s b\n.import %s a\n.import data/params-default.csv p\n%s;\n",
            b_csv, a_csv, sql_body("b", "a", "y.parcel_id = x.parcel_id", 0));
    fclose(f);

    th_buf out;
    th_buf_init(&out);
    double t_csv[50], t_sql[50], t_gpkg[50], t_ogr[50], t_hash[50];
    double rows = NAN, matched = NAN, change = NAN;
    int ok = 1;
    for (int r = 0; r < runs; r++) {
        snprintf(cmd, sizeof cmd, "build/tanhui measure --before %s --after %s --json", b_csv, a_csv);
        t_csv[r] = timed(cmd, &out);
        rows = json_num(out.p, "rows_before") + json_num(out.p, "rows_after");
        t_hash[r] = hash_both(b_csv, a_csv);
        matched = json_num(out.p, "matched");
        change = json_num(out.p, "change_tco2e");

        snprintf(cmd, sizeof cmd, "sqlite3 :memory: < %s", sqlfile);
        t_sql[r] = timed(cmd, &out);
        double m2 = out.p ? strtod(out.p, NULL) : NAN;
        const char *comma = out.p ? strchr(out.p, ',') : NULL;
        double c2 = comma ? strtod(comma + 1, NULL) : NAN;
        if (!agree(m2, matched) || !agree(c2, change)) {
            fprintf(stderr, "bench: sqlite3 disagrees: matched %g vs %g, change %.9g vs %.9g\n",
                    m2, matched, c2, change);
            ok = 0;
        }

        snprintf(cmd, sizeof cmd, "build/tanhui measure --before %s --after %s --json", b_gpkg, a_gpkg);
        t_gpkg[r] = timed(cmd, &out);
        if (!agree(json_num(out.p, "change_tco2e"), change)) {
            fprintf(stderr, "bench: the GeoPackage pair measures differently\n");
            ok = 0;
        }
        const char *key = "y.XIAN = x.XIAN AND y.XIANG = x.XIANG AND y.CUN = x.CUN AND "
                          "y.LIN_BAN = x.LIN_BAN AND y.XIAO_BAN = x.XIAO_BAN";
        snprintf(cmd, sizeof cmd, "ogrinfo -ro -q %s -dialect sqlite -sql \"%s\"", both,
                 sql_body("before", "after", key, 1));
        t_ogr[r] = timed(cmd, &out);
        const char *cm = out.p ? strstr(out.p, "change (Real) = ") : NULL;
        const char *mm = out.p ? strstr(out.p, "matched (Integer") : NULL;
        if (!cm || !mm || !agree(strtod(cm + 16, NULL), change)) {
            fprintf(stderr, "bench: ogrinfo disagrees or failed: %s\n", out.p ? out.p : "");
            ok = 0;
        }
        if (t_csv[r] < 0 || t_sql[r] < 0 || t_gpkg[r] < 0 || t_ogr[r] < 0)
            ok = 0;
    }
    double mc = median(t_csv, runs), ms = median(t_sql, runs), mg = median(t_gpkg, runs),
           mo = median(t_ogr, runs), mh = median(t_hash, runs);
    printf("{\"bench\":\"measure\",\"input\":\"csv\",\"parcels\":%ld,\"rows\":%.0f,\"runs\":%d,"
           "\"tanhui_median_s\":%.3f,\"sqlite3_median_s\":%.3f,\"parcels_per_sec\":%.0f,"
           "\"ratio_vs_sqlite3\":%.2f,\"sha256_both_files_s\":%.3f,"
           "\"ratio_ceiling_with_hashing\":%.2f,\"agree\":%s}\n",
           parcels, rows, runs, mc, ms, rows / mc, ms / mc, mh, ms / mh, ok ? "true" : "false");
    printf("{\"bench\":\"measure\",\"input\":\"gpkg\",\"parcels\":%ld,\"rows\":%.0f,\"runs\":%d,"
           "\"tanhui_median_s\":%.3f,\"ogrinfo_median_s\":%.3f,\"parcels_per_sec\":%.0f,"
           "\"ratio_vs_ogrinfo\":%.2f,\"agree\":%s}\n",
           parcels, rows, runs, mg, mo, rows / mg, mo / mg, ok ? "true" : "false");
    th_buf_free(&out);
    return ok ? 0 : 1;
}
