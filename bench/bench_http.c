/* bench_http.c — durable order entry over HTTP (issue 7): `wrk` posting orders
 * to `tanhui serve` on loopback, and in the same run `wrk` fetching a small
 * static file from nginx, this machine's HTTP ceiling. wrk shares the machine's
 * cores with the server in both runs.
 *
 * The registry: eight trading accounts, each with credits, cash, a holder user
 * and its bearer token, and one instrument. The load (a Lua script written into
 * the run's directory): each request places a limit order for a random trader,
 * a buy or a sell of 1 to 5 credits at one of 21 prices around the reference
 * price, so that about half of them trade and the book stays some hundred
 * levels deep. Every order is checked, reserved, matched and settled in its
 * batch's transaction and answered only once that batch has committed
 * (durable).
 *
 *   build/bench-http                 the throughput run and the nginx run: one
 * JSON line with orders_per_sec, nginx_static_per_sec, ratio, p50_ms, p99_ms,
 *                                    errors (non-2xx answers), mean_batch (orders a
 *                                    batch), the CPU each side used a request
 *                                    (server_cpu_us_per_order, wrk_cpu_us_per_order,
 *                                    nginx_cpu_us_per_request, wrk_cpu_us_per_static),
 *                                    server_cpu_budget_us (what the target leaves
 *                                    the server an order: at half nginx's rate,
 *                                    every core busy, less wrk's part), and `tanhui
 * check`'s verdict after build/bench-http --soak SECONDS --rate N a soak at
 * about N orders a second (wrk's per-request delay): the server's resident
 * memory sampled every 10 s, errors, and `tanhui check` after
 *
 * TANHUI_BENCH_SECONDS (default 10), TANHUI_BENCH_CONNS (64), TANHUI_BENCH_KEEP (keep the
 * run's directory, which is otherwise removed at the end),
 * TANHUI_BENCH_THREADS (the server's --threads; its default), TANHUI_BENCH_SIGN_EVERY
 * (the server's --sign-every, milliseconds between checkpoints; its default). Needs wrk and nginx
 * (scripts/deps.sh bench). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "bench_proc.h"
#include "bench_registry.h"
#include "server/users.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

enum { TRADERS = 8 };

static char dir[] = "/tmp/tanhui-bench-http.XXXXXX";

/* The registry, its users and their tokens, written to tokens[]. */
static int setup(const char *tanhui, const char *db_path, char tokens[TRADERS][60])
{
    char out[300], err[300];
    at(out, sizeof out, "init.out");
    at(err, sizeof err, "init.err");
    char *init[] = {(char *)tanhui, (char *)"--db", (char *)db_path, (char *)"init", NULL};
    pid_t p = start(init, out, err);
    if (p < 0 || finish(p) != 0) {
        fprintf(stderr, "bench-http: tanhui init failed (%s)\n", err);
        return -1;
    }
    th_db *db;
    th_err e;
    if (th_db_open(db_path, TH_DB_WRITE, &db, &e)) {
        fprintf(stderr, "bench-http: %s\n", e.msg);
        return -1;
    }
    th_engine *en = th_engine_new(db);
    th_cmd_result r[8];
    for (int i = 0; i < 8; i++)
        th_cmd_result_init(&r[i]);
    const int64_t credits = 80000000;
    th_cmd reg[5] = {
        {.type = TH_CMD_ACCOUNT_ADD, .name = "O", .kind = "state"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "V", .kind = "verifier"},
        {.type = TH_CMD_PROJECT_ADD},
        {.type = TH_CMD_REPORT_ADD},
        {.type = TH_CMD_INSTRUMENT_ADD},
    };
    reg[2].project = (th_project_new){.name = "P",
                                      .owner = "O",
                                      .params_name = "default",
                                      .params_sha256 = "-",
                                      .params_csv = th_params_default_csv};
    reg[3].report = (th_report_new){.project = "P0001",
                                    .result_json = "{}",
                                    .period_start = "2019-01-01",
                                    .period_end = "2024-01-01",
                                    .vintage = 2024,
                                    .net_tco2e = (double)credits,
                                    .credits_total = credits,
                                    .owner_credits = credits};
    reg[4].instrument = (th_instrument_new){.code = "SG24",
                                            .vintage = 2024,
                                            .ref_price = 5850,
                                            .maker_fee_bps = 5,
                                            .taker_fee_bps = 10};
    th_cmd verify = {.type = TH_CMD_REPORT_VERIFY, .report_id = "1", .verifier = "V"};
    th_cmd issue = {.type = TH_CMD_ISSUE, .report_id = "1"};
    if (bench_apply(en, reg, 5, r) || bench_apply(en, &verify, 1, r) ||
        bench_apply(en, &issue, 1, r))
        return -1;
    static char names[TRADERS][8];
    for (int a = 0; a < TRADERS; a++) {
        snprintf(names[a], sizeof names[a], "T%d", a);
        th_cmd s[3] = {{.type = TH_CMD_ACCOUNT_ADD, .name = names[a], .kind = "company"},
                       {.type = TH_CMD_TRANSFER},
                       {.type = TH_CMD_CASH_DEPOSIT}};
        s[1].move = (th_move){.from = "O", .to = names[a], .qty = credits / TRADERS};
        s[2].cash = (th_cash_cmd){.account = names[a], .amount = 100000000000000};
        if (bench_apply(en, s, 3, r))
            return -1;
        char user[16];
        snprintf(user, sizeof user, "t%d", a);
        int64_t id;
        if (th_user_add(db, user, names[a], "holder", "a long bench password", NULL, &id, &e) ||
            th_token_create(db, user, tokens[a], &id, &e)) {
            fprintf(stderr, "bench-http: %s\n", e.msg);
            return -1;
        }
    }
    for (int i = 0; i < 8; i++)
        th_cmd_result_free(&r[i]);
    th_engine_free(en);
    th_db_close(db);
    return 0;
}

/* The Lua scripts: random limit orders for the eight traders (order(), a request as wrk
 * sends it).
 *
 * The throughput run's script draws each wrk thread's orders in init(), 4,096 of them, and sends
 * them round and round: wrk shares the two cores with the server, and a request formatted in
 * Lua at each call, with a Lua call at each answer, cost wrk about 18 µs a request (16 % of the
 * machine at 18,000 a second) against the few µs of the nginx run's script-less wrk. Its errors
 * are wrk's non-2xx answers.
 *
 * The soak's (`delay_ms` > 0, pacing each connection) makes each request as it goes: every
 * third request cancels the oldest order this wrk thread saw rest; a cancel that comes after its
 * order has filled is refused (a 400 naming it) and counted as late, not as an error. Each
 * thread counts its answers; done() prints "answers: ok N late N bad N". A thread that has seen
 * more than 200 orders rest cancels at every request until it has not, so the book stays some
 * hundreds of orders deep (the soak measures memory: the state must not grow). */
static int write_script(const char *path, char tokens[TRADERS][60], double delay_ms)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "local tokens = {");
    for (int a = 0; a < TRADERS; a++)
        fprintf(f, "%s\"%s\"", a ? "," : "", tokens[a]);
    fputs("}\n"
          "local k, threads = 0, {}\n"
          "function setup(thread) k = k + 1; thread:set('seed', k); table.insert(threads, thread)"
          " end\n"
          "local function order()\n"
          "  local t = math.random(#tokens)\n"
          "  local side = (math.random(2) == 1) and 'buy' or 'sell'\n"
          "  local cents = 5840 + math.random(0, 20)\n"
          "  local body = string.format('{\"account\":\"T%d\",\"instrument\":\"SG24\","
          "\"side\":\"%s\",\"type\":\"limit\",\"price\":\"%d.%02d\",\"qty\":%d,"
          "\"tif\":\"gtc\"}', t - 1, side, math.floor(cents / 100), cents % 100,"
          " math.random(5))\n"
          "  return wrk.format('POST', '/api/v1/orders', {['Content-Type'] = 'application/json',"
          " ['Authorization'] = 'Bearer ' .. tokens[t]}, body)\n"
          "end\n",
          f);
    if (delay_ms <= 0) {
        fputs("function init(args)\n"
              "  math.randomseed(os.time() * 7 + seed)\n"
              "  orders, next = {}, 0\n"
              "  for i = 1, 4096 do orders[i] = order() end\n"
              "end\n"
              "function request() next = next % #orders + 1; return orders[next] end\n",
              f);
        return fclose(f);
    }
    fputs("function init(args)\n"
          "  math.randomseed(os.time() * 7 + seed)\n"
          "  rest, first, last, sent = {}, 1, 0, 0\n"
          "  ok, late, bad = 0, 0, 0\n"
          "end\n"
          "function request()\n"
          "  sent = sent + 1\n"
          "  if first <= last and (sent % 3 == 0 or last - first >= 200) then\n"
          "    local o = rest[first]; rest[first] = nil; first = first + 1\n"
          "    return wrk.format('DELETE', '/api/v1/orders/' .. o[1], {['Authorization'] ="
          " 'Bearer ' .. tokens[o[2]]})\n"
          "  end\n"
          "  return order()\n"
          "end\n"
          "function response(status, headers, body)\n"
          "  if status < 300 then\n"
          "    ok = ok + 1\n"
          "    if status == 201 and body:find('\"status\":\"open\"', 1, true) then\n"
          "      local id, acct = body:match('^{\"id\":(%d+),'), body:match('\"account\":(%d+),')\n"
          "      last = last + 1; rest[last] = {id, tonumber(acct) - 4} -- T0 is account 5\n"
          "    end\n"
          "  elseif status == 400 and body:find('only an open order can be cancelled', 1, true)"
          " then\n"
          "    late = late + 1\n"
          "  else\n"
          "    bad = bad + 1\n"
          "  end\n"
          "end\n"
          "function done(summary, latency, requests)\n"
          "  local o, l, b = 0, 0, 0\n"
          "  for _, t in ipairs(threads) do o = o + t:get('ok'); l = l + t:get('late');"
          " b = b + t:get('bad') end\n"
          "  io.write(string.format('answers: ok %d late %d bad %d\\n', o, l, b))\n"
          "end\n",
          f);
    fprintf(f, "function delay() return %.3f end\n", delay_ms);
    return fclose(f);
}

/* A figure of the server's /metrics (GET over a socket of its own), or -1. */
static long long metric(const char *url, const char *name)
{
    int port = atoi(strrchr(url, ':') + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    long long v = -1;
    /* from 127.0.0.2: wrk's connections take all that 127.0.0.1 may open */
    struct sockaddr_in from = {.sin_family = AF_INET};
    from.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);
    if (fd < 0 || bind(fd, (struct sockaddr *)&from, sizeof from) != 0 ||
        connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    const char *req = "GET /metrics HTTP/1.0\r\n\r\n";
    if (write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
        static char buf[1 << 16];
        size_t n = 0;
        ssize_t k;
        while (n < sizeof buf - 1 && (k = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
            n += (size_t)k;
        buf[n] = 0;
        char key[128];
        snprintf(key, sizeof key, "\n%s ", name);
        const char *q = strstr(buf, key);
        if (q)
            v = strtoll(q + strlen(key), NULL, 10);
    }
    close(fd);
    return v;
}

static long rss_kib(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    char *s = slurp(path);
    long v = -1;
    const char *q = s ? strstr(s, "VmRSS:") : NULL;
    if (q)
        v = strtol(q + 6, NULL, 10);
    free(s);
    return v;
}

/* Start `tanhui serve`; its pid, and its address in url. */
static pid_t serve(const char *tanhui, const char *db_path, char *url, size_t n)
{
    char out[300], err[300];
    at(out, sizeof out, "serve.out");
    at(err, sizeof err, "serve.err");
    char *argv[] = {(char *)tanhui,
                    (char *)"--db",
                    (char *)db_path,
                    (char *)"serve",
                    (char *)"--listen",
                    (char *)"127.0.0.1:0",
                    (char *)"--rate",
                    (char *)"1000000",
                    NULL, /* --threads N, --sign-every MS, when asked; else the server's defaults */
                    NULL,
                    NULL,
                    NULL,
                    NULL};
    int k = 8;
    if (getenv("TANHUI_BENCH_THREADS")) {
        argv[k++] = (char *)"--threads";
        argv[k++] = getenv("TANHUI_BENCH_THREADS");
    }
    if (getenv("TANHUI_BENCH_SIGN_EVERY")) {
        argv[k++] = (char *)"--sign-every";
        argv[k++] = getenv("TANHUI_BENCH_SIGN_EVERY");
    }
    pid_t p = start(argv, out, err);
    for (int i = 0; p > 0 && i < 200; i++) {
        char *s = slurp(out);
        const char *q = s ? strstr(s, "listening on ") : NULL;
        if (q && strchr(q, '\n')) {
            snprintf(url, n, "%.*s", (int)(strchr(q, '\n') - q - 13), q + 13);
            free(s);
            return p;
        }
        free(s);
        usleep(50000);
    }
    fprintf(stderr, "bench-http: the server did not start (%s)\n", err);
    return -1;
}

static int stop(pid_t p)
{
    kill(p, SIGTERM);
    return finish(p);
}

static int check(const char *tanhui, const char *db_path)
{
    char out[300], err[300];
    at(out, sizeof out, "check.out");
    at(err, sizeof err, "check.err");
    char *argv[] = {(char *)tanhui, (char *)"--db", (char *)db_path, (char *)"check", NULL};
    pid_t p = start(argv, out, err);
    return p < 0 ? -1 : finish(p);
}

int main(int argc, char **argv)
{
    int soak = 0, rate = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--soak") && i + 1 < argc)
            soak = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rate") && i + 1 < argc)
            rate = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench-http [--soak SECONDS --rate N]\n");
            return 2;
        }
    }
    if (soak && rate <= 0) {
        fprintf(stderr, "bench-http: --soak needs --rate N (orders a second)\n");
        return 2;
    }
    /* the tanhui beside this program */
    static char tanhui[4096];
    ssize_t n = readlink("/proc/self/exe", tanhui, sizeof tanhui - 16);
    if (n <= 0)
        return 1;
    tanhui[n] = 0;
    strcpy(strrchr(tanhui, '/') + 1, "tanhui");
    if (bench_run_dir(dir, "bench-http"))
        return 1;
    char db_path[300], script[300];
    at(db_path, sizeof db_path, "http.db");
    at(script, sizeof script, "orders.lua");
    static char tokens[TRADERS][60];
    if (setup(tanhui, db_path, tokens))
        return 1;
    int seconds = envint("TANHUI_BENCH_SECONDS", 10);
    int conns = envint("TANHUI_BENCH_CONNS", 64);
    /* soak: each connection waits so that all of them together ask about `rate` a
     * second */
    if (write_script(script, tokens, soak ? 1000.0 * conns / rate : 0))
        return 1;
    char url[200];
    pid_t sp = serve(tanhui, db_path, url, sizeof url);
    if (sp < 0)
        return 1;
    if (soak) {
        /* wrk in the background; the server's memory every 10 s */
        char out[300], err[300], dur[16], con[16];
        at(out, sizeof out, "soak.out");
        at(err, sizeof err, "soak.err");
        snprintf(dur, sizeof dur, "%ds", soak);
        snprintf(con, sizeof con, "%d", conns);
        char *wa[] = {(char *)"wrk",       (char *)"-t2", (char *)"-c", con, (char *)"-d", dur,
                      (char *)"--latency", (char *)"-s",  script,       url, NULL};
        pid_t wp = start(wa, out, err);
        if (wp < 0)
            return 1;
        /* every 10 s: the server's resident memory and SQLite's part of it */
        static long rss[1000], lite[1000], open[1000];
        int ns = 0;
        for (int t = 0; waitpid(wp, NULL, WNOHANG) == 0; t++) {
            if (t % 10 == 0 && ns < 1000) {
                rss[ns] = rss_kib(sp);
                lite[ns] = (long)(metric(url, "tanhui_sqlite_page_cache_bytes") / 1024);
                open[ns++] = (long)metric(url, "tanhui_open_orders");
            }
            sleep(1);
        }
        printf("{\"soak_rss_kib\":[");
        for (int i = 0; i < ns; i++)
            printf("%s%ld", i ? "," : "", rss[i]);
        printf("],\"soak_page_cache_kib\":[");
        for (int i = 0; i < ns; i++)
            printf("%s%ld", i ? "," : "", lite[i]);
        printf("],\"soak_open_orders\":[");
        for (int i = 0; i < ns; i++)
            printf("%s%ld", i ? "," : "", open[i]);
        wrk_figures w;
        if (read_wrk(out, &w))
            return 1;
        int served = stop(sp);
        int checked = check(tanhui, db_path);
        /* the RSS is sampled every 10 s; memory is flat when the last samples agree */
        printf("],\"seconds\":%d,\"requests_per_sec\":%.0f,\"requests\":%ld,\"p50_ms\":%.2f,"
               "\"p99_ms\":%.2f,\"errors\":%ld,\"late_cancels\":%ld,\"serve_exit\":%d,"
               "\"check_exit\":%d}\n",
               soak, w.rps, w.requests, w.p50_ms, w.p99_ms, w.errors, w.late, served, checked);
        return w.errors || served || checked;
    }
    wrk_figures o, g;
    double server0 = cpu_of(sp);
    if (run_wrk(url, script, seconds, conns, "orders.out", &o))
        return 1;
    double server_s = cpu_of(sp) - server0;
    /* the orders a batch took, on average (the server counts from its start: the registry was
     * made before it) */
    long long batches = metric(url, "tanhui_batches_total"),
              commands = metric(url, "tanhui_batch_commands_total");
    int served = stop(sp);
    int checked = check(tanhui, db_path);
    int port;
    pid_t np = nginx(&port);
    if (np < 0)
        return 1;
    char static_url[64];
    snprintf(static_url, sizeof static_url, "http://127.0.0.1:%d/index.html", port);
    int rc = run_wrk(static_url, NULL, seconds, conns, "nginx.out", &g);
    double nginx0 = children_cpu();
    kill(np, SIGQUIT);
    finish(np);
    double nginx_s = children_cpu() - nginx0;
    if (rc)
        return 1;
    /* CPU a request, µs; and what the target leaves the server an order: at half nginx's rate,
     * with every core busy, the server and wrk share cores / rate */
    double n_orders = (double)o.requests, n_static = (double)g.requests;
    double cores = (double)sysconf(_SC_NPROCESSORS_ONLN);
    double wrk_order_us = 1e6 * o.cpu_s / n_orders;
    double budget_us = 1e6 * cores / (g.rps / 2) - wrk_order_us;
    printf("{\"orders_per_sec\":%.0f,\"nginx_static_per_sec\":%.0f,\"ratio\":%.3f,"
           "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"nginx_p99_ms\":%.2f,\"orders\":%ld,"
           "\"errors\":%ld,\"mean_batch\":%.1f,"
           "\"server_cpu_us_per_order\":%.1f,\"wrk_cpu_us_per_order\":%.1f,"
           "\"nginx_cpu_us_per_request\":%.1f,\"wrk_cpu_us_per_static\":%.1f,"
           "\"server_cpu_budget_us\":%.1f,\"cores\":%.0f,"
           "\"connections\":%d,\"seconds\":%d,\"serve_exit\":%d,\"check_exit\":%d}"
           "\n",
           o.rps, g.rps, o.rps / g.rps, o.p50_ms, o.p99_ms, g.p99_ms, o.requests, o.errors,
           batches > 0 && commands >= 0 ? (double)commands / (double)batches : -1.0,
           server0 < 0 || server_s < 0 ? -1.0 : 1e6 * server_s / n_orders, wrk_order_us,
           1e6 * nginx_s / n_static, 1e6 * g.cpu_s / n_static, budget_us, cores, conns, seconds,
           served, checked);
    return o.errors || served || checked;
}
