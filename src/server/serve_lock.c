/* serve_lock.c — the server's hold on its database. See serve_lock.h. */
#include "server/serve_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static void lock_path(const char *db_path, char out[4096])
{
    snprintf(out, 4096, "%s.serve", db_path);
}

/* What the lock file says, for the message. */
static void holder(int fd, char *out, size_t cap)
{
    ssize_t n = pread(fd, out, cap - 1, 0);
    out[n > 0 ? n : 0] = '\0';
    out[strcspn(out, "\n")] = '\0';
}

int th_serve_lock_take(const char *db_path, const char *info, int *fd, th_err *e)
{
    char path[4096];
    lock_path(db_path, path);
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f < 0)
        return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "cannot open the server's lock: %s",
                          strerror(errno));
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        char who[256];
        holder(f, who, sizeof who);
        close(f);
        return th_fail_at(e, TH_EINPUT, db_path, 0, NULL, NULL, 0,
                          "another tanhui serve holds this database (%s)", who);
    }
    if (ftruncate(f, 0) != 0 || pwrite(f, info, strlen(info), 0) != (ssize_t)strlen(info) ||
        pwrite(f, "\n", 1, (off_t)strlen(info)) != 1) {
        close(f);
        return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "cannot write the server's lock: %s",
                          strerror(errno));
    }
    *fd = f;
    return 0;
}

void th_serve_lock_note(int fd, const char *info)
{
    size_t n = strlen(info);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, info, n, 0) != (ssize_t)n ||
        pwrite(fd, "\n", 1, (off_t)n) != 1)
        return; /* the note is for messages only */
}

int th_serve_lock_check(const char *db_path, th_err *e)
{
    char path[4096];
    lock_path(db_path, path);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return 0; /* no server has run here */
    int rc = 0;
    if (flock(f, LOCK_SH | LOCK_NB) != 0) {
        char who[256];
        holder(f, who, sizeof who);
        rc = th_fail_at(e, TH_EINPUT, db_path, 0, NULL, NULL, 0,
                        "the server holds the database (tanhui serve, %s): while it runs it is "
                        "the only writer; reads work as ever", who);
    }
    close(f);
    return rc;
}
