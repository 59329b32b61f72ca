/* cli.h — what the subcommands of `tanhui` share: the global options, the command table,
 * and writing output and errors by the project's rules (one JSON object on stdout with --json;
 * messages on stderr starting "tanhui:"; exit 0 success, 2 bad usage or input, 1 other). */
#ifndef TH_CLI_H
#define TH_CLI_H

#include "base/buf.h"
#include "base/err.h"
#include "cli/opts.h"
#include "engine/engine.h"
#include "inventory/measure_files.h"
#include "log/log_verify.h"

#include <jansson.h>
#include <stdio.h>

typedef struct {
    const char *db; /* --db PATH, or $TANHUI_DB, or ./tanhui.db */
} th_global;

typedef int (*th_cmd_fn)(const th_global *g, int argc, char **argv);

typedef struct {
    const char *name;
    th_cmd_fn run;
    const char *summary;
    const char *help; /* full help text: usage line first */
} th_command;

extern const th_command th_commands[];
const th_command *th_command_find(const char *name);

/* Print the error (all of it) and return the exit status for it. */
int th_cli_fail(const th_err *e);
/* Write a whole buffer to a stream; 0 or an error. */
int th_cli_write(FILE *f, const th_buf *b, th_err *e);
/* Write a buffer to a file path atomically (temp file, fsync, rename). */
int th_cli_write_file(const char *path, const th_buf *b, th_err *e);

/* A write: open the database, apply one command (a batch of one) through the engine, and print
 * its result once committed: JSON, or the text `text` makes of it. Returns the exit status. */
/* A read: `cmd [ARG] [--json]` opens the database read-only and prints json() or text() of it.
 * arg_name names the one positional argument the command takes (NULL: none); the callbacks get
 * it (or NULL). */
typedef int (*th_read_fn)(th_db *db, const char *arg, th_buf *out, th_err *e);
int th_cli_read(const th_global *g, int argc, char **argv, const char *cmd, const char *arg_name,
                th_read_fn json, th_read_fn text);
/* A write's text made from its JSON result: parsed, lines() writes the text. */
void th_cli_json_lines(const th_buf *json, th_buf *out, void (*lines)(json_t *o, th_buf *out));
/* A read's text made from its JSON: json() into a buffer, parsed, lines() writes the text. */
int th_cli_as_text(th_read_fn json, th_db *db, const char *arg, th_buf *out, th_err *e,
                   void (*lines)(json_t *o, th_buf *out));
int th_cli_apply_one(const th_global *g, th_db_mode mode, const th_cmd *c, bool json,
                     void (*text)(const th_buf *json, th_buf *out));
/* The same, signing the log's checkpoint with `signer` rather than the database's key file
 * (init, whose database does not record its key yet). */
int th_cli_apply_signed(const th_global *g, th_db_mode mode, const th_cmd *c,
                        const th_note_signer *signer, bool json,
                        void (*text)(const th_buf *json, th_buf *out));
/* The same, and with c NULL a batch of no command (the calendar's due session changes alone),
 * whose result after() then reads (given the clock's time as its arg). */
int th_cli_apply_then(const th_global *g, th_db_mode mode, const th_cmd *c,
                      const th_note_signer *signer, bool json,
                      void (*text)(const th_buf *json, th_buf *out), th_read_fn after);
/* The clock: now, or TANHUI_NOW when set (a UTC time, for drills and tests), as
 * "YYYY-MM-DDTHH:MM:SSZ". */
int th_cli_now(char out[32], th_err *e) __attribute__((warn_unused_result));
/* The log's name when `init --log-origin` gives none. */
#define TH_LOG_ORIGIN "tanhui.local/registry"

/* The options of `measure` (shared with `report add`), and their reading. */
extern const th_optspec th_measure_optspec[];
extern const int th_measure_noptspec;
int th_cli_measure_options(const th_opts *op, th_measure_opts *o, th_err *e);
/* Measure; on bad rows print every finding on stderr; write --parcels-out; warn of skipped
 * rows. -1 with e set on failure. */
/* After a measurement that returned rc: its bad rows on stderr (rc != 0), or --parcels-out
 * written and the skipped rows said. */
int th_cli_measure_after(const th_opts *op, const th_measure_opts *o, th_measure_run *run,
                         int rc, th_err *e) __attribute__((warn_unused_result));
int th_cli_measure_run(const th_opts *op, const th_measure_opts *o, th_measure_run *run,
                       th_err *e);

int th_cmd_measure(const th_global *g, int argc, char **argv);
int th_cmd_gen_inventory(const th_global *g, int argc, char **argv);
int th_cmd_help(const th_global *g, int argc, char **argv);
int th_cmd_init(const th_global *g, int argc, char **argv);
int th_cmd_demo(const th_global *g, int argc, char **argv);
int th_cmd_project(const th_global *g, int argc, char **argv);
int th_cmd_report(const th_global *g, int argc, char **argv);
int th_cmd_issue(const th_global *g, int argc, char **argv);
int th_cmd_holdings(const th_global *g, int argc, char **argv);
int th_cmd_supply(const th_global *g, int argc, char **argv);
int th_cmd_transfer(const th_global *g, int argc, char **argv);
int th_cmd_retire(const th_global *g, int argc, char **argv);
int th_cmd_certificate(const th_global *g, int argc, char **argv);
int th_cmd_check(const th_global *g, int argc, char **argv);
int th_cmd_cash(const th_global *g, int argc, char **argv);
int th_cmd_instrument(const th_global *g, int argc, char **argv);
int th_cmd_order(const th_global *g, int argc, char **argv);
int th_cmd_orders(const th_global *g, int argc, char **argv);
int th_cmd_trades(const th_global *g, int argc, char **argv);
int th_cmd_payouts(const th_global *g, int argc, char **argv);
int th_cmd_session(const th_global *g, int argc, char **argv);
int th_cmd_calendar(const th_global *g, int argc, char **argv);
int th_cmd_auction(const th_global *g, int argc, char **argv);
int th_cmd_serve(const th_global *g, int argc, char **argv);
int th_cmd_user(const th_global *g, int argc, char **argv);
int th_cmd_token(const th_global *g, int argc, char **argv);
/* An order's result as text (order add and auction bid). */
void th_cli_order_text(const th_buf *json, th_buf *out);
int th_cmd_block(const th_global *g, int argc, char **argv);
int th_cmd_bars(const th_global *g, int argc, char **argv);
int th_cli_project_share(const th_global *g, int argc, char **argv);
int th_cli_project_beneficiaries(const th_global *g, int argc, char **argv);
/* `tanhui book INSTRUMENT`: the book as the store holds it (th_cmd_book hands it over). */
int th_cli_book_view(const th_global *g, int argc, char **argv);
int th_cmd_account(const th_global *g, int argc, char **argv);
int th_cmd_book(const th_global *g, int argc, char **argv);
int th_cmd_log(const th_global *g, int argc, char **argv);
/* The log's whole audit (log verify, check): 0, or the first thing that does not hold. */
int th_cli_log_audit(th_db *db, th_log_verified *v, th_err *e) __attribute__((warn_unused_result));


#endif
