/* test_uploads.c — the uploads directory: a file stored whole under its SHA-256 (the same file
 * twice stored once), found again by its id; a kind it does not take, an empty file, a bad or
 * unknown id refused; an abandoned upload leaves nothing behind. */
#include "test.h"

#include "base/sha256.h"
#include "server/uploads.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *f; d && (f = readdir(d));)
        n += f->d_name[0] != '.' || strncmp(f->d_name, ".partial", 8) == 0;
    if (d)
        closedir(d);
    return n;
}

TEST(uploads_by_content)
{
    char db[512], dir[600], path[4400], id[65], id2[65];
    snprintf(db, sizeof db, "%s/up.db", th_test_tmpdir());
    th_err e;
    CHECK_INT(th_uploads_dir(db, dir, sizeof dir, &e), 0);
    CHECK_INT(th_uploads_dir(db, dir, sizeof dir, &e), 0); /* there already: fine */
    const char *text = "parcel_id,area_ha\nA,1\n";
    th_upload *u;
    CHECK_INT(th_upload_begin(dir, "survey.CSV", &u, &e), 0);
    CHECK_INT(th_upload_write(u, text, 10, &e), 0);
    CHECK_INT(th_upload_write(u, text + 10, strlen(text) - 10, &e), 0);
    int64_t bytes;
    CHECK_INT(th_upload_finish(u, id, &bytes, &e), 0);
    CHECK_INT((int)bytes, (int)strlen(text));
    uint8_t sum[32];
    char hex[65];
    th_sha256(text, strlen(text), sum);
    th_hex(sum, 32, hex);
    CHECK_STR(id, hex);
    CHECK_INT(th_upload_path(dir, id, "before", path, sizeof path, &bytes, &e), 0);
    CHECK(strstr(path, ".csv") != NULL);
    /* the same again: one file */
    CHECK_INT(th_upload_begin(dir, "again.txt", &u, &e), 0);
    CHECK_INT(th_upload_write(u, text, strlen(text), &e), 0);
    CHECK_INT(th_upload_finish(u, id2, &bytes, &e), 0);
    CHECK_STR(id2, id);
    CHECK_INT(files_in(dir), 1);
    /* refused */
    CHECK(th_upload_begin(dir, "map.shp", &u, &e) != 0);
    CHECK_CONTAINS(e.msg, "GeoPackage");
    CHECK(th_upload_begin(dir, NULL, &u, &e) != 0);
    CHECK_INT(th_upload_begin(dir, "empty.gpkg", &u, &e), 0);
    CHECK(th_upload_finish(u, id2, &bytes, &e) != 0);
    CHECK_CONTAINS(e.msg, "empty");
    CHECK_INT(th_upload_begin(dir, "cut.csv", &u, &e), 0);
    CHECK_INT(th_upload_write(u, text, 5, &e), 0);
    th_upload_abort(u);
    CHECK_INT(files_in(dir), 1);
    CHECK(th_upload_path(dir, "abc", "after", path, sizeof path, &bytes, &e) != 0);
    CHECK_STR(e.field, "after");
    CHECK_CONTAINS(e.msg, "64 lowercase hex digits");
    char unknown[65];
    memset(unknown, 'f', 64);
    unknown[64] = '\0';
    CHECK(th_upload_path(dir, unknown, "after", path, sizeof path, &bytes, &e) != 0);
    CHECK_CONTAINS(e.msg, "no upload has this id");
}
