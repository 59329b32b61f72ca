/* help.c — the command table and each command's help text (kept in step with docs/tanhui.1). */
#include "cli/cli.h"

#include "base/json.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char help_measure[] =
    "usage: tanhui measure --before FILE --after FILE [OPTIONS]\n"
    "\n"
    "Compute the carbon a forest absorbed between two inventories of the same land (stock\n"
    "difference, IPCC 2006 Vol 4), per parcel, and the credits it earns after deductions.\n"
    "\n"
    "Inputs: CSV (RFC 4180; UTF-8 with or without BOM, or GBK) or any vector dataset GDAL\n"
    "reads (GeoPackage, shapefile honouring its .cpg, GeoJSON...). Columns, by our name or\n"
    "the inventory's own (case-insensitive):\n"
    "  parcel_id       or XIAN, XIANG, CUN, LIN_BAN, XIAO_BAN joined by '-'\n"
    "  survey_date     DIAOCHA_RQ (YYYY-MM-DD), or --before-date/--after-date\n"
    "  area_ha         MIAN_JI, XBMJ (hectares; --area-unit mu for mu)\n"
    "  forest_type     YOU_SHI_SZ (an id, Chinese name or alias in the parameter table)\n"
    "  volume_m3_ha    HUO_LMGQXJ (stock volume, m3 per hectare)\n"
    "  stems_ha        MEI_GQ_ZS (optional; for per-stem types such as bamboo)\n"
    "  owner           LIN_ZHU; village CUN; township XIANG; county XIAN (optional)\n"
    "\n"
    "options:\n"
    "  --before FILE, --after FILE   the two surveys (required)\n"
    "  --params FILE         parameter table (default: the built-in params-default.csv)\n"
    "  --before-date D       survey date of before rows that have none (YYYY-MM-DD)\n"
    "  --after-date D        survey date of after rows that have none\n"
    "  --area-unit ha|mu     unit of the area column (default ha; 1 mu = 1/15 ha)\n"
    "  --encoding utf-8|gbk  text encoding of the inputs (default: detected)\n"
    "  --baseline-tco2e X    baseline removals over the period (default 0)\n"
    "  --leakage-pct P       leakage, % of removals above baseline (default 0)\n"
    "  --uncertainty-pct U   half-width of the 90% confidence interval, % (default 0)\n"
    "  --buffer-pct B        non-permanence buffer, % of credits (default 20)\n"
    "  --by KEY              group by forest_type (default), owner, village, township, county\n"
    "  --parcels-out FILE    write one CSV row per parcel: key, types, both stocks, change\n"
    "  --skip-invalid        leave bad rows out (their parcels from both surveys) instead of\n"
    "                        failing; they are counted in 'skipped' and listed in 'errors'\n"
    "  --json                print one JSON object (see tanhui(1) for its keys)\n"
    "\n"
    "Bad input: every bad row is reported (file, line, column, value, what is wrong) and the\n"
    "command exits 2 having written nothing, unless --skip-invalid.\n"
    "\n"
    "example:\n"
    "  tanhui gen-inventory --parcels 5000 --seed 7 --before t1.csv --after t2.csv\n"
    "  tanhui measure --before t1.csv --after t2.csv --uncertainty-pct 12 --by county\n";

static const char help_gen[] =
    "usage: tanhui gen-inventory --parcels N --before FILE --after FILE [--seed S]\n"
    "                            [--format csv|csv-gbk|gpkg|shp] [--json]\n"
    "\n"
    "Write a realistic, clearly synthetic Shaoguan-like pair of forest inventories five years\n"
    "apart: parcels across the city's ten counties and districts, generated townships and\n"
    "villages, owners that are state forest farms, village collectives and households, forest\n"
    "types in south-China shares, volumes that grow with age; some parcels felled, some newly\n"
    "planted, a few gone from forest land. The same seed (default 1) gives the same files.\n"
    "\n"
    "  --format csv      our column names, UTF-8 (default)\n"
    "  --format csv-gbk  the same in GBK, as many Chinese exports are\n"
    "  --format gpkg     GeoPackage, the inventory's own column names, polygons in EPSG:4490\n"
    "  --format shp      the same as a shapefile (with a .cpg saying UTF-8)\n";

static const char help_demo[] =
    "usage: tanhui [--db PATH] demo [--parcels N] [--seed S] [--days D] [--inventories DIR]\n"
    "                              [--json]\n"
    "\n"
    "Create a new database holding a whole demo of the platform, made by the same commands a\n"
    "real registry runs, each in the signed log: the registry's operator, a verifier, three\n"
    "buying companies with cash, and in each of Shaoguan's ten counties a state forest farm\n"
    "owning a project measured (by owner) from its part of a generated inventory pair of N\n"
    "parcels (default 6000), its report verified and its credits issued, the parcel owners set\n"
    "as beneficiaries; a second project of 乐昌市国有林场 without a report yet; the\n"
    "instruments SGFC-2024 (any project) and NX-2024 (南雄市's project), D weekdays of trading\n"
    "before today (default 5; each closed at 15:00, setting the next reference price), a block\n"
    "trade, a one-way auction, a transfer, retirements, and today's sessions open with orders\n"
    "on both sides of each book.\n"
    "\n"
    "The inventories are kept as GeoPackages in DIR (default <db>.inventories), to upload again\n"
    "and to draw the projects' maps. Four logins are made, one per role (operator, verifier,\n"
    "owner, holder), and their generated passwords printed, once (--json: {\"logins\":\n"
    "[{\"role\", \"name\", \"password\", \"account\"}], ...}). The same seed (default 2026) gives\n"
    "the same registry. Fails, changing nothing, if a file is already at the database's path.\n"
    "`make run` serves this demo with the web app.\n";

static const char help_init[] =
    "usage: tanhui [--db PATH] init [--log-key PATH] [--log-origin NAME] [--json]\n"
    "                              [--request-id ID]\n"
    "\n"
    "Create the registry database (default ./tanhui.db, or $TANHUI_DB) with its pooled buffer\n"
    "account, named 'buffer', and the Ed25519 key pair that signs its transparency log. Fails,\n"
    "changing nothing, if a file is already there. SQLite in WAL mode with synchronous=FULL:\n"
    "what a command reports done survives a crash.\n"
    "--log-key PATH     where the private key goes (default: beside the database, PATH.key),\n"
    "                   a new file of mode 0600; every later write reads it to sign a checkpoint\n"
    "--log-origin NAME  the log's name in its checkpoints (default tanhui.local/registry)\n"
    "--json prints {\"buffer\": {account}}.\n";

static const char help_account[] =
    "usage: tanhui [--db PATH] account add NAME --kind KIND [--json] [--request-id ID]\n"
    "       tanhui [--db PATH] account list [--json]\n"
    "\n"
    "KIND: state (a state forest farm, or the agent holding state-owned forest), collective (a\n"
    "village collective), household, company, verifier or operator.\n"
    "NAME: 1 to 100 characters of valid UTF-8, no control characters, no white space around it,\n"
    "not all digits (an all-digit argument names an account by id); unique.\n"
    "--json: add prints the account {\"id\", \"name\", \"kind\", \"created_at\"}; list prints\n"
    "{\"accounts\": [...]}.\n"
    "--request-id ID: a retry with the same ID and the same command returns the first result and\n"
    "changes nothing; the same ID with another command is an error.\n";

static const char help_project[] =
    "usage: tanhui [--db PATH] project add --name NAME --owner ACCOUNT [--buffer-pct B]\n"
    "                                      [--params FILE] [--json] [--request-id ID]\n"
    "       tanhui [--db PATH] project list [--json]\n"
    "       tanhui [--db PATH] project share PROJECT --from-report REPORT [--add-accounts KIND]\n"
    "       tanhui [--db PATH] project share PROJECT --beneficiary ACCOUNT:WEIGHT ...\n"
    "       tanhui [--db PATH] project beneficiaries PROJECT [--json]\n"
    "\n"
    "A project is a forest area with an owner (a state, collective, household or company\n"
    "account, by id or name), a non-permanence buffer percentage (default 20) and a parameter\n"
    "table (default the built-in one), which the registry keeps whole with its SHA-256 so\n"
    "every monitoring report of the project can be re-run. Its code, P and its id (P0007), is\n"
    "part of its credits' serial numbers. PROJECT arguments take the id, the code or the name.\n"
    "\n"
    "Benefit sharing (联农带农): share sets who shares the project owner's income from selling\n"
    "the project's credits. --from-report takes a verified report added with --by owner: each\n"
    "owner whose parcels gained carbon shares by its measured net removals (an owner is the\n"
    "account of that name; --add-accounts household|collective|state makes the missing ones).\n"
    "--beneficiary ACCOUNT:WEIGHT, repeated, sets them by hand (weights more than 0, at most 6\n"
    "decimals). Either replaces the list. When the owner sells the project's credits, the net\n"
    "proceeds (the trade's value less the owner's fee) are split among the beneficiaries in the\n"
    "same settlement step, exactly to the fen (largest remainders); see tanhui payouts.\n"
    "--json: add prints {\"id\", \"code\", \"name\", \"owner\", \"buffer_pct\", \"params\",\n"
    "\"status\", \"outstanding_reversal\", \"created_at\"}; list prints {\"projects\": [...]};\n"
    "share and beneficiaries print {\"project\", \"beneficiaries\": [{\"account\", \"name\",\n"
    "\"weight\"}]} (weights times 10^6: grams of CO2e from a report).\n";

static const char help_report[] =
    "usage: tanhui [--db PATH] report add PROJECT --before FILE --after FILE [measure's options]\n"
    "       tanhui [--db PATH] report verify REPORT --verifier ACCOUNT\n"
    "       tanhui [--db PATH] report reject REPORT --verifier ACCOUNT --reason TEXT\n"
    "       tanhui [--db PATH] report show REPORT\n"
    "\n"
    "add measures the two inventories as `tanhui measure` does (the same options, but the\n"
    "parameter table and the buffer percentage are the project's) and stores the whole result,\n"
    "with the SHA-256 of the inputs and of the table, as a submitted monitoring report. A report\n"
    "whose parcels were already counted (a before survey earlier than the after survey of the\n"
    "project's last verified report) is refused, naming the parcels. verify and reject take a\n"
    "verifier account that does not own the project; only a submitted report can be decided.\n"
    "show prints the report with its stored measurement (JSON).\n"
    "Every write takes --json and --request-id ID. --json prints {\"id\", \"project\", \"status\",\n"
    "\"period_start\", \"period_end\", \"vintage\", \"net_tco2e\", \"credits_total\",\n"
    "\"buffer_credits\", \"owner_credits\", \"reversal_tco2e\", \"parcels\", \"verifier\",\n"
    "\"decided_at\", \"reject_reason\", \"created_at\"}.\n";

static const char help_issue[] =
    "usage: tanhui [--db PATH] issue REPORT [--json] [--request-id ID]\n"
    "\n"
    "Issue a verified report. A positive report takes the next contiguous range of registry-wide\n"
    "serial numbers (never reused): the owner's credits go to the project's owner, the buffer's\n"
    "to the pooled buffer account, each as one block written\n"
    "REGISTRY-PROJECT-VINTAGE-FIRST-LAST (SGFC-P0007-2024-000120001-000121500), the vintage being\n"
    "the year the monitoring period ends. A report with a reversal (a loss) cancels ceil(loss)\n"
    "credits from the buffer, lowest serials first; what the buffer cannot cover stays on the\n"
    "project as an outstanding reversal, and the project is issued nothing more.\n";

static const char help_holdings[] =
    "usage: tanhui [--db PATH] holdings ACCOUNT [--json]\n"
    "\n"
    "The credits an account holds, as serial blocks. --json prints {\"account\", \"total\",\n"
    "\"available\", \"reserved\", \"blocks\": [{\"serial\", \"project\", \"vintage\", \"first\",\n"
    "\"last\", \"quantity\", \"state\"}]}.\n";

static const char help_supply[] =
    "usage: tanhui [--db PATH] supply [--json]\n"
    "\n"
    "Credits issued, held (the buffer's included), retired and cancelled, and those in the buffer,\n"
    "in total and per project and vintage (\"by\").\n";

static const char help_transfer[] =
    "usage: tanhui [--db PATH] transfer --from A --to B --qty N [--project P] [--vintage Y]\n"
    "                                   [--serials BLOCK] [--json] [--request-id ID]\n"
    "\n"
    "Move credits from A to B: the lowest serials first within the project and vintage asked\n"
    "for, or exactly the serials named (one block, written as holdings shows it; --qty may then\n"
    "be left out). A block is split where the count ends inside it. The transfer records the\n"
    "serial ranges it moved: --json prints {\"id\", \"type\", \"date\", \"from\", \"to\",\n"
    "\"quantity\", \"blocks\"}.\n";

static const char help_retire[] =
    "usage: tanhui [--db PATH] retire --from A --qty N --beneficiary TEXT --reason TEXT\n"
    "                                 [--jurisdiction CODE] [--project P] [--vintage Y]\n"
    "                                 [--serials BLOCK] [--json] [--request-id ID]\n"
    "\n"
    "Retire credits for an offset, for good: chosen as transfer chooses them, they become\n"
    "retired in A's name for the beneficiary. The retirement's id is its certificate's:\n"
    "--json prints {\"id\", \"type\", \"date\", \"account\", \"beneficiary\", \"reason\",\n"
    "\"jurisdiction\", \"quantity\", \"blocks\"}; `tanhui certificate ID` shows it again.\n";

static const char help_certificate[] =
    "usage: tanhui [--db PATH] certificate ID [--json]\n"
    "\n"
    "A retirement's public certificate (or a transfer's record): date, account, beneficiary,\n"
    "reason, jurisdiction, quantity and the serial blocks, each with serial, first, last and\n"
    "quantity.\n";

static const char help_book[] =
    "usage: tanhui [--db PATH] book INSTRUMENT [--json]\n"
    "       tanhui book replay [--band LO:HI] [--stp cancel-newest|cancel-oldest|cancel-both|off]\n"
    "                          [--pick-depth N] [--auction] [--ref PRICE] < COMMANDS\n"
    "\n"
    "book INSTRUMENT shows the exchange's order book of an instrument: its open orders by price\n"
    "level, asks above bids, with the reference price and band (--json: {\"instrument\",\n"
    "\"ref_price_fen\", \"band_lo_fen\", \"band_hi_fen\", \"bids\": [{\"price_fen\", \"price\",\n"
    "\"qty\", \"orders\"}], \"asks\": [...]}, the best level first).\n"
    "\n"
    "book replay runs one order book, the matching engine, on commands read from stdin, one per\n"
    "line, and writes its events on stdout. Prices are integer ticks, quantities integer lots;\n"
    "price-time priority; a trade executes at the resting order's price.\n"
    "\n"
    "commands (fields separated by spaces; # comments and blank lines ignored):\n"
    "  O <id> <account> <B|S> <price> <qty> [GTC|IOC|FOK|POST]   limit order (GTC by default)\n"
    "  M <id> <account> <B|S> <qty>                              market order\n"
    "  C <id>                                                    cancel\n"
    "  R <id> <price> <qty>                                      replace\n"
    "  P <id> <account> <B|S> <qty> <resting-id>                 pick (挂牌点选)\n"
    "  X                                                         uncross the call auction\n"
    "\n"
    "events:\n"
    "  A <id>                                accepted (before any trade it makes)\n"
    "  T <buy> <sell> <price> <qty> <B|S|X>  trade, with the aggressor's side (X: the uncross)\n"
    "  K <id> <qty>                          cancelled or expired, with the quantity left\n"
    "  U <id>                                replaced\n"
    "  J <id> <reason>                       rejected: bad-qty, bad-price, band, duplicate-id,\n"
    "                                        unknown-order, post-would-cross, pick-depth,\n"
    "                                        self-trade, auction, bad-line\n"
    "\n"
    "options:\n"
    "  --band LO:HI     reject orders priced outside [LO, HI]; market orders trade inside it\n"
    "  --stp MODE       self-trade prevention (default cancel-newest: the incoming order's\n"
    "                   remainder is cancelled; cancel-oldest: the resting order is; both; off)\n"
    "  --pick-depth N   a pick reaches the best N price levels (default 5)\n"
    "  --auction        start in call-auction mode: orders rest, nothing trades until X, which\n"
    "                   uncrosses at the price of most volume (then least imbalance, then nearest\n"
    "                   --ref, then the lower) and trading goes on continuously\n"
    "  --ref PRICE      the reference price for the uncross (default 0)\n"
    "\n"
    "example:\n"
    "  printf 'O 1 7 S 5900 100\\nO 2 8 B 5950 30\\n' | tanhui book replay\n"
    "  A 1\n  A 2\n  T 2 1 5900 30 B\n";

static const char help_cash[] =
    "usage: tanhui [--db PATH] cash deposit ACCOUNT AMOUNT [--reference TEXT] [--json]\n"
    "                                [--request-id ID]\n"
    "       tanhui [--db PATH] cash withdraw ACCOUNT AMOUNT [--reference TEXT] [--json]\n"
    "                                [--request-id ID]\n"
    "       tanhui [--db PATH] cash balance ACCOUNT [--json]\n"
    "\n"
    "Accounts hold cash in CNY, counted in whole fen. The operator records the money that\n"
    "reaches an account (deposit) or leaves it (withdraw); AMOUNT is yuan with at most two\n"
    "decimals, like 1250.50. --reference keeps a note such as the bank transfer's number. A\n"
    "withdrawal takes only available cash: the balance less what open buy orders reserve. The\n"
    "buffer account holds no cash; the fees account receives only fees. Trades, fees and\n"
    "benefit shares move cash between accounts and never create it, so the balances always\n"
    "add up to deposits less withdrawals (tanhui check confirms it).\n"
    "--json: deposit and withdraw print {\"id\", \"type\", \"amount_fen\", \"amount\",\n"
    "\"reference\", \"date\", and the account's balance}; balance prints {\"account\", \"name\",\n"
    "\"balance_fen\", \"available_fen\", \"reserved_fen\", \"balance\", \"available\",\n"
    "\"reserved\"}.\n";

static const char help_instrument[] =
    "usage: tanhui [--db PATH] instrument add CODE --vintage YEAR --ref-price PRICE\n"
    "                 [--project P] [--band-pct 10] [--maker-fee-bps N] [--taker-fee-bps N]\n"
    "                 [--pick-depth 5] [--t-plus-one] [--json] [--request-id ID]\n"
    "       tanhui [--db PATH] instrument list [--json]\n"
    "       tanhui [--db PATH] instrument show CODE [--json]\n"
    "\n"
    "An instrument is what the exchange trades: credits of one vintage, and of one project when\n"
    "--project names it (else of any project). A seller delivers its lowest serials that\n"
    "qualify. CODE is 1 to 32 ASCII letters, digits, '-' or '_' (like SGFC-2024). --ref-price\n"
    "is the reference price in yuan per tonne (the previous close; it moves to each day's\n"
    "VWAP); orders must be priced within --band-pct of it (default 10, so +-10 %), rounded\n"
    "inward to the fen. Fees are basis points of a trade's value (100 = 1 %), rounded up to the\n"
    "fen and paid into the registry's fees account, made with the first instrument. --pick-depth\n"
    "is how many price levels from the best a pick may reach (default 5). --t-plus-one stops\n"
    "credits bought in a trading session (any trade since its pre-open) from being sold on this\n"
    "instrument in the same session.\n"
    "--json: add and show print {\"id\", \"code\", \"vintage\", \"project\", \"ref_price_fen\",\n"
    "\"ref_price\", \"band_bps\", \"band_lo_fen\", \"band_hi_fen\", \"maker_fee_bps\",\n"
    "\"taker_fee_bps\", \"pick_depth\", \"t_plus_one\", \"session\", \"block_min\"}; list\n"
    "prints {\"instruments\": [...]}.\n";

static const char help_order[] =
    "usage: tanhui [--db PATH] order add --account A --instrument I --side buy|sell --qty N\n"
    "                 [--price P] [--type limit|market] [--tif gtc|day|ioc|fok|post]\n"
    "                 [--json] [--request-id ID]\n"
    "       tanhui [--db PATH] order cancel ID [--json]\n"
    "       tanhui [--db PATH] order replace ID --qty N [--price P] [--json]\n"
    "       tanhui [--db PATH] order pick --account A --listing ID --qty N [--json]\n"
    "       tanhui [--db PATH] order show ID [--json]\n"
    "\n"
    "Trade on the exchange's continuous order book: price-time priority, a trade at the resting\n"
    "order's price, delivery versus payment in the same step. A limit order (the default) needs\n"
    "--price in yuan per tonne within the instrument's band; a market order has none, trades at\n"
    "whatever the book offers within the band, and never rests (--tif ioc, the default, or fok).\n"
    "Time in force: gtc rests until filled or cancelled (the default), day likewise for now,\n"
    "ioc cancels what does not trade at once, fok trades all at once or nothing, post rests\n"
    "only (refused if it would trade). An order reserves what it could spend: a sell its\n"
    "credits (the lowest available serials of the instrument's vintage and project, shown as\n"
    "reserved); a buy its price times quantity plus the largest fee, per credit. Each fill pays\n"
    "the trade's price and fee and gives back the rest; a cancel gives back all that is left.\n"
    "Fees (the instrument's maker and taker basis points, rounded up to the fen) go to the fees\n"
    "account. An order the exchange cannot take (band, cash, credits, unknown instrument, a\n"
    "closed session) exits 2 with the reason and changes nothing.\n"
    "replace sets an open order's price (kept when not given) and the quantity it has left:\n"
    "the same price and no more keeps its place in the queue, anything else goes to the back and\n"
    "may trade; its reservation follows (a buy's to what is left at the new price). pick\n"
    "(挂牌点选) takes N credits of an open listing at its price, if the listing is within the\n"
    "instrument's pick depth from the best price (the taker's order is an IOC for it alone).\n"
    "--json: the order {\"id\", \"instrument\", \"account\", \"side\", \"type\", \"tif\",\n"
    "\"price_fen\", \"price\", \"qty\", \"filled\", \"remaining\", \"status\", \"reserved_fen\",\n"
    "\"auction\" (the one-way auction of an offer or bid, else null), \"created_at\", \"closed_at\",\n"
    "\"fills\": [{\"trade\", \"buy_order\", \"sell_order\",\n"
    "\"price_fen\", \"price\", \"qty\", \"buyer_fee_fen\", \"seller_fee_fen\"}]}.\n";

static const char help_orders[] =
    "usage: tanhui [--db PATH] orders ACCOUNT [--json]\n"
    "\n"
    "An account's orders, newest first, each with its fills (--json: {\"account\", \"orders\"}).\n";

static const char help_trades[] =
    "usage: tanhui [--db PATH] trades [INSTRUMENT] [--json]\n"
    "\n"
    "The trade tape, newest first: every instrument's, or one's (--json: {\"trades\": [{\"id\",\n"
    "\"instrument\", \"buy_order\", \"sell_order\", \"buyer\", \"seller\", \"price_fen\", \"price\",\n"
    "\"qty\", \"aggressor\", \"buyer_fee_fen\", \"seller_fee_fen\", \"time\"}]}).\n";

static const char help_session[] =
    "usage: tanhui [--db PATH] session preopen|open|close INSTRUMENT [--json] [--request-id ID]\n"
    "       tanhui [--db PATH] session tick [--json]\n"
    "       tanhui [--db PATH] session list [--json]\n"
    "\n"
    "An instrument's trading session: closed (orders refused), the pre-open call auction (orders\n"
    "rest without trading, crossed or not; IOC and FOK are refused), or open (continuous\n"
    "trading). preopen (from closed) starts the call auction. open (from the pre-open, or from\n"
    "closed) uncrosses the auction at the price that executes the most (ties: the smallest\n"
    "imbalance, then the price nearest the reference) and trades continuously until closed.\n"
    "close (from open or the pre-open) sets the reference price to the volume-weighted average\n"
    "price of the session's continuous trades, rounded half up to the fen (unchanged when there\n"
    "were none), moves the band with it, and expires DAY orders. The reference price and the\n"
    "state survive a restart.\n"
    "When the trading calendar is on (tanhui help calendar), it drives the sessions of the\n"
    "instruments that follow it: pre-open, open, midday break (orders refused, cancels taken)\n"
    "and close, each change a logged command of its own made at the first write after it is due\n"
    "(a night without writes closes the day, then opens the next, in order). tick makes the\n"
    "changes that are due and nothing else (run it from cron, say every minute); list prints\n"
    "every instrument's session and whether the calendar or the operator's hand drives it.\n"
    "preopen and open by hand hold the instrument by hand: it trades until closed by hand,\n"
    "whatever the calendar says. close by hand gives it back to the calendar from the next\n"
    "trading day's pre-open. With the calendar off, a new instrument is open, held by hand.\n"
    "--json: {\"instrument\", \"session\", \"was\", \"by\", \"ref_price_fen\", \"ref_price\",\n"
    "\"band_lo_fen\", \"band_hi_fen\", \"auction_trades\", \"vwap_fen\", \"continuous_qty\",\n"
    "\"expired_orders\"}; tick and list print {\"now\", \"calendar\", \"calendar_phase\",\n"
    "\"sessions\": [{\"instrument\", \"session\", \"by\", \"calendar_from\"}]}.\n";

static const char help_calendar[] =
    "usage: tanhui [--db PATH] calendar show [--json]\n"
    "       tanhui [--db PATH] calendar set [--on|--off] [--tz ZONE] [--days mon-fri]\n"
    "                 [--pre-open 09:15] [--open 09:30] [--break 11:30-13:00|none]\n"
    "                 [--close 15:00] [--holiday YYYY-MM-DD]... [--not-holiday YYYY-MM-DD]...\n"
    "                 [--json] [--request-id ID]\n"
    "\n"
    "The exchange's trading calendar: the days that trade, and the local times of the pre-open\n"
    "call auction, the open, the midday break and the close. It starts as the national carbon\n"
    "market's (Monday to Friday; pre-open 09:15, trading 09:30-11:30 and 13:00-15:00;\n"
    "Asia/Shanghai), and off: sessions are then driven by hand only. set changes the fields it\n"
    "names and keeps the rest; --on makes it drive the sessions of the instruments that follow\n"
    "it (those added while it is on, and those closed by hand), --off stops it. --tz is a zone\n"
    "name from the system's zone database, kept as its UTC offset (a zone with summer time is\n"
    "refused), or an offset like +08:00. --holiday adds a day that does not trade, --not-holiday\n"
    "takes one back (each may be repeated). Block trades of an instrument the calendar drives are\n"
    "made in the afternoon session only (after the break, before the close). The clock is the\n"
    "system's, or $TANHUI_NOW (a UTC time like 2026-11-30T01:30:00Z) for drills and tests.\n"
    "--json: {\"enabled\", \"tz\", \"utc_offset\", \"days\", \"pre_open\", \"open\", \"close\",\n"
    "\"break\", \"holidays\"}.\n";

static const char help_block[] =
    "usage: tanhui [--db PATH] block propose --seller A --buyer B --instrument I --price P --qty N\n"
    "       tanhui [--db PATH] block accept ID --buyer B\n"
    "       tanhui [--db PATH] block list [--json]\n"
    "\n"
    "Block trades (大宗协议): the seller proposes a price and quantity to one buyer, and the buyer\n"
    "accepts. The price must lie within +-30 % of the reference price (rounded inward to the\n"
    "fen), and the session must be open, at both steps. Accepting settles it at once outside the\n"
    "book, delivery versus payment: the seller's lowest qualifying serials to the buyer, the price\n"
    "from the buyer's available cash (the buyer pays the taker's fee, the seller the maker's),\n"
    "the seller's benefit shares paid. It counts in the volume, not in the day's VWAP. Nothing is\n"
    "reserved while a proposal waits: accepting fails if either side no longer has what it takes.\n"
    "--json: {\"id\", \"instrument\", \"seller\", \"buyer\", \"price_fen\", \"price\", \"qty\",\n"
    "\"status\", \"trade\", \"created_at\"}; list prints {\"block_trades\": [...]}.\n";

static const char help_auction[] =
    "usage: tanhui [--db PATH] auction open --seller A --instrument I --qty N --reserve P\n"
    "                 --until TIME [--pricing uniform|pay-as-bid] [--json] [--request-id ID]\n"
    "       tanhui [--db PATH] auction bid ID --account B --price P --qty N [--json]\n"
    "       tanhui [--db PATH] auction settle ID [--json]\n"
    "       tanhui [--db PATH] auction show ID [--json]\n"
    "       tanhui [--db PATH] auction list [--json]\n"
    "\n"
    "One-way auctions (单向竞价): a seller offers N credits of an instrument with a reserve price\n"
    "(yuan per tonne), until TIME (ISO 8601 with its zone, like 2026-12-01T15:00+08:00; within 31\n"
    "days). Opening reserves the seller's lowest qualifying serials. Buyers bid while it runs: a\n"
    "price at or above the reserve and 1 to N credits, each bid reserving its price and the\n"
    "largest fee per credit from available cash; bids are sealed (show gives their count and\n"
    "quantity) and cannot be cancelled. At the end the bids rank by price, then time, and win\n"
    "down the ranking, the last perhaps in part: with uniform pricing (the default) every winner\n"
    "pays the lowest accepted bid, with pay-as-bid its own. Each award is a trade, delivery\n"
    "versus payment, both sides paying the instrument's maker fee, the seller's benefit shares\n"
    "paid; what is left of the offer and of the bids is given back. The first write after the\n"
    "end settles it by itself (so does tanhui session tick); settle does it by hand, after the\n"
    "end only. Its trades count in the volume, not in the day's VWAP.\n"
    "--json: open, settle and show print {\"id\", \"instrument\", \"seller\", \"offer_order\",\n"
    "\"qty\", \"reserve_fen\", \"reserve\", \"pricing\", \"ends_at\", \"status\", \"sold\",\n"
    "\"clearing_fen\", \"created_at\", \"settled_at\", \"bids\" (once settled: [{\"order\",\n"
    "\"account\", \"price_fen\", \"price\", \"qty\", \"awarded\", \"status\"}]), \"bid_count\",\n"
    "\"bid_qty\"}; bid prints the bid as an order (tanhui help order); list {\"auctions\": [...]}.\n";

static const char help_serve[] =
    "usage: tanhui [--db PATH] serve [--listen 127.0.0.1:8080] [--threads N] [--rate N]\n"
    "                 [--sign-every MS] [--web DIR]\n"
    "\n"
    "Serve the JSON API at /api/v1 (its routes: GET /api/v1/openapi.json, an OpenAPI 3.1\n"
    "document) and Prometheus metrics at /metrics, until SIGTERM or SIGINT: then it stops\n"
    "accepting (a write that comes after the signal is answered 503), answers the requests in\n"
    "flight, commits, signs a checkpoint and exits 0. While\n"
    "it runs it is the database's only writer: a command-line write is refused, saying so\n"
    "(reads work as ever). It changes sessions by the trading calendar and settles one-way\n"
    "auctions at their end by itself, within a second. --listen is an IPv4 address and port\n"
    "(port 0: any free one; the address is printed, `listening on http://HOST:PORT`);\n"
    "--threads the request threads (default 16), each with its own read connection and its\n"
    "share of the connections, which a request holding its thread holds up. No write (an\n"
    "order, a transfer, a report...) holds a thread while its batch commits: it is set aside\n"
    "and answered once the batch is on the disk, so a batch takes every write in flight.\n"
    "--web DIR serves the web app's files at / (GET and HEAD; / and the app's own routes\n"
    "are DIR/index.html; /assets/ cached for good; nothing outside DIR; a Content-Security-\n"
    "Policy of 'self' only, so the app works offline).\n"
    "The WAL's pages are copied into the database file by a thread of their own (checkpoints,\n"
    "counted by tanhui_wal_checkpoints_total and tanhui_wal_checkpoint_pages_total in /metrics),\n"
    "not inside the writer's commits. The commits do not wait for the disk either: another\n"
    "thread syncs the WAL, each sync covering every batch committed before it (counted by\n"
    "tanhui_wal_syncs_total), and a batch is answered only once a sync has covered it, while\n"
    "the writer goes on with the next. Other readers may see a batch about a millisecond before\n"
    "it is on the disk; a checkpoint is signed only over what a sync has covered (in the next\n"
    "batch, or within 2 ms of the sync when none comes), so none is of a tree a power cut could\n"
    "take back; under load, at most one every --sign-every milliseconds (default 1000; 0: one\n"
    "after every batch): the first batch after the interval signs over all that is synced.\n"
    "A failed sync: its writes are answered 500, and the server takes no more.\n"
    "One line per request on stderr: method, path, status, duration, account, written by the\n"
    "main thread every 0.1 s (all of them when the server stops; past 8 MiB waiting, lines are\n"
    "dropped and a line says how many), so no request waits for stderr. Errors are {\"error\":\n"
    "{\"code\", \"message\", \"field\"}} with a 4xx status for what the request got wrong (404\n"
    "for what does not exist), 5xx for what failed here. Limits: bodies of 1 MiB (413; uploads\n"
    "256 MiB), 30 s for a slow client, 1,024 connections (64 from one address), --rate requests\n"
    "a second per user (default 500, in bursts of up to 2 s of it; then 429 with Retry-After),\n"
    "10 logins a minute from one address, and two passwords hashed at a time (logins, users\n"
    "added; then 503 with Retry-After: 1); SQLite's page caches are held to 48 MiB\n"
    "for the request threads' connections in all, 32 MiB for the writer's.\n"
    "/metrics answers this machine (127.0.0.0/8) or an operator's token.\n"
    "The answers of supply, instruments/{code}/book and /bars are kept by URL and served again\n"
    "until the next commit; one that took 20 ms or more for up to 1 s whatever commits, and to\n"
    "all while one request makes the next (tanhui_shared_answers_total in /metrics).\n"
    "Routes: what anyone may read (supply, projects, certificates/{id},\n"
    "instruments[/{code}[/book|/trades|/bars]], trades, auctions[/{id}], sessions, calendar,\n"
    "log/size, log/entries/{index}, log/checkpoint[?size=S] (text/plain), log/key,\n"
    "log/proof/{index}[?size=S], log/consistency/{old}/{new}, and stream: Server-Sent Events\n"
    "trade, book and checkpoint, ?instrument=CODE for one's, resumed after Last-Event-ID;\n"
    "projects[/{id}], reports[?project=&status=], reports/{id}, retirements[?account=&project=\n"
    "&vintage=&from=&to=]);\n"
    "POST login ({\"name\", \"password\"}: a session cookie, HttpOnly and SameSite=Strict,\n"
    "for 12 hours), POST logout,\n"
    "GET me. With a user's bearer token (Authorization: Bearer TOKEN; tanhui help user,\n"
    "tanhui help token) or session cookie: GET tokens (its own tokens and sessions, never\n"
    "their texts), POST tokens ({}: {\"id\", \"token\"}, shown once; no Idempotency-Key),\n"
    "DELETE tokens/{id} (revoked for the next request); its own account's\n"
    "accounts/{id}/holdings, /cash, /orders and /payouts (an operator may read any account's);\n"
    "for its own account: POST transfers, retirements; for a holder or owner: POST orders\n"
    "({\"account\", \"instrument\", \"side\", \"type\", \"price\": \"59.00\", \"qty\", \"tif\"}: 201\n"
    "with the order and its fills), PUT orders/{id} ({\"price\", \"qty\"}), DELETE orders/{id},\n"
    "POST picks, auctions, auctions/{id}/bids, blocks, blocks/{id}/accept; for an owner (or\n"
    "an operator): POST projects ({\"name\", \"owner\", \"buffer_pct\", \"params\"}), uploads\n"
    "(multipart/form-data, part file: a .csv or .gpkg inventory or a parameter table, answered\n"
    "with its SHA-256); for an owner, of its own project: POST projects/{id}/reports (multipart\n"
    "parts before and after, or their upload ids in JSON, and the measurement's options as in\n"
    "report add, with underscores: by, uncertainty_pct, encoding...), PUT\n"
    "projects/{id}/beneficiaries ({\"from_report\"} or {\"beneficiaries\": [{\"account\",\n"
    "\"weight\"}]}; an operator's too); for a verifier:\n"
    "POST reports/{id}/verify, reports/{id}/reject ({\"reason\"}); for an operator: POST\n"
    "accounts (and GET accounts), users ({\"name\", \"account\", \"role\", \"password\"}, else\n"
    "one made and shown once; and GET users), GET tokens?user=NAME and DELETE tokens/{id} of\n"
    "anyone's, reports/{id}/issue, instruments, cash/deposits,\n"
    "cash/withdrawals ({\"account\",\n"
    "\"amount\": \"1250.50\", \"reference\"}), instruments/{code}/session ({\"to\":\n"
    "\"preopen\"|\"open\"|\"close\"}), PUT calendar (the members of calendar set, with\n"
    "underscores; the zone Asia/Shanghai or an offset). Also GET blocks. Money is a string with\n"
    "two decimals at most. 401 without a valid token, 403 for another's account or role. An\n"
    "Idempotency-Key header on a POST makes a retry safe: the same key and body give the first\n"
    "answer and run once; the same key with another body is 409. The trades and an account's\n"
    "orders come in pages, newest first: ?limit=N (1 to 1000, default 100) and\n"
    "?cursor=ID, the next_cursor of the page before (null on the last).\n";

static const char help_user[] =
    "usage: tanhui [--db PATH] user add NAME --account ACCOUNT --role ROLE [--password-stdin]\n"
    "                 [--json]\n"
    "       tanhui [--db PATH] user list [--json]\n"
    "\n"
    "Users of the API (tanhui serve). A user acts for one account, in one role: holder (its\n"
    "account's holdings, cash and orders), owner (its projects and reports; it trades too),\n"
    "verifier, or operator (accounts, issuance, cash, instruments, sessions; it may read any\n"
    "account). NAME is 1 to 100 ASCII letters, digits, '.', '_', '-' or '@'. The password is\n"
    "kept as an Argon2id hash; without --password-stdin (its first line, at least 12\n"
    "characters) one of 20 random characters is made and printed once. Users are the server's\n"
    "credentials, not registry state: they are not in the log.\n"
    "--json: {\"id\", \"name\"[, \"password\"]}; list {\"users\": [{\"id\", \"name\", \"account\",\n"
    "\"role\", \"created_at\", \"tokens\"}]}.\n";

static const char help_token[] =
    "usage: tanhui [--db PATH] token create USER [--json]\n"
    "       tanhui [--db PATH] token revoke ID\n"
    "\n"
    "Bearer tokens for API clients (Authorization: Bearer TOKEN). create prints a new token for\n"
    "USER once (--json: {\"id\", \"token\"}); only its SHA-256 hash is kept. A user holds at\n"
    "most 100 tokens not revoked. revoke refuses it from then on. While tanhui serve runs these\n"
    "are refused like every write; a user then makes and revokes its own through the API (POST\n"
    "/api/v1/tokens, DELETE /api/v1/tokens/ID; an operator revokes anyone's), and an operator\n"
    "adds users with POST /api/v1/users (tanhui help serve).\n";

static const char help_bars[] =
    "usage: tanhui [--db PATH] bars INSTRUMENT [--interval 1m|1h|1d] [--from TIME] [--to TIME]\n"
    "                 [--limit N] [--json]\n"
    "\n"
    "An instrument's trades in bars of a minute, an hour or a day (the default), in the\n"
    "market's time, Asia/Shanghai: open, high, low, close, volume (block trades included), the\n"
    "VWAP of the trades on the book (block trades left out, as at the close) and the number of\n"
    "trades, oldest first: the newest 1,000 bars (--limit N: fewer) of the trades made from\n"
    "--from and before --to (ISO 8601 times with their zone, like 2026-11-30T09:30:00+08:00;\n"
    "a bar at an edge holds only the trades inside). --json: {\"instrument\", \"interval\",\n"
    "\"time_zone\", \"bars\": [{\"start\", \"open_fen\", \"high_fen\", \"low_fen\", \"close_fen\",\n"
    "\"volume\", \"vwap_fen\", \"trades\"}], \"next_to\"}; start is ISO 8601 with the +08:00 offset\n"
    "(a date for daily bars); next_to, when older bars are left, is the --to of the page before\n"
    "them (else null).\n";

static const char help_payouts[] =
    "usage: tanhui [--db PATH] payouts ACCOUNT [--json]\n"
    "\n"
    "The benefit shares an account received from the sales of projects it is a beneficiary of,\n"
    "newest first (--json: {\"account\", \"name\", \"total_fen\", \"total\", \"payouts\":\n"
    "[{\"id\", \"trade\", \"project\", \"amount_fen\", \"amount\", \"time\"}]}).\n";

static const char help_check[] =
    "usage: tanhui [--db PATH] check [--json]\n"
    "\n"
    "Verify every invariant of the registry from the stored rows alone: each issuance's blocks\n"
    "cover exactly its serials; blocks never overlap and hold what was issued; retired and\n"
    "cancelled blocks carry their retirement or cancellation; retirements' ranges are exactly\n"
    "their retired blocks; outstanding reversals are what the buffer could not cover; no cash\n"
    "balance is below what it reserves, and the balances add up to deposits less withdrawals;\n"
    "every reserved block belongs to an open sell order of its holder, and every trade to the\n"
    "orders it filled. Exits 0, or 1 naming the first violation. It reads only, and can run\n"
    "while another process writes.\n"
    "It also runs every check of `tanhui log verify`.\n";

static const char help_log[] =
    "usage: tanhui [--db PATH] log size [--json]\n"
    "       tanhui [--db PATH] log entry N\n"
    "       tanhui [--db PATH] log checkpoint [--size S]\n"
    "       tanhui [--db PATH] log key\n"
    "       tanhui [--db PATH] log prove N [--size S] [--json]\n"
    "       tanhui [--db PATH] log consistency M N [--json]\n"
    "       tanhui [--db PATH] log verify [--json]\n"
    "       tanhui [--db PATH] log replay --to NEW [--log-key PATH]\n"
    "\n"
    "The transparency log: every change of the registry is one entry, in commit order, committed\n"
    "with the change itself. An entry is canonical JSON (RFC 8785: keys sorted, no white space,\n"
    "integers only) with its \"type\", \"time\", \"request_id\" and what it did. The entries are\n"
    "the leaves of an RFC 9162 Merkle tree (SHA-256); after each write a checkpoint of the tree\n"
    "is signed (C2SP signed note, Ed25519) and kept (by tanhui serve under load, at most one\n"
    "every --sign-every milliseconds: a second by default).\n"
    "\n"
    "  size         the number of entries ({\"size\":N} with --json)\n"
    "  entry N      entry N (from 0), its bytes exactly, no newline added\n"
    "  checkpoint   the latest signed checkpoint, or the one signed at size S\n"
    "  key          the verifier key: <name>+<hex key hash>+<base64(0x01 || public key)>\n"
    "  prove N      the inclusion proof of entry N in the tree of S entries (default: all):\n"
    "               {\"index\",\"size\",\"leaf_hash\",\"proof\":[hex...],\"root\"}\n"
    "  consistency  the proof that the tree of N entries extends the tree of M:\n"
    "               {\"old_size\",\"new_size\",\"old_root\",\"new_root\",\"proof\":[hex...]}\n"
    "  verify       recompute every leaf, subtree hash and root from the entries; check every\n"
    "               checkpoint's signature, root, and consistency with the next; replay every\n"
    "               entry into a database in memory and check it gives this registry, row for\n"
    "               row. Exits 0, or 1 naming the first entry, hash, checkpoint or row that\n"
    "               does not hold.\n"
    "  replay       build a new database at NEW from the entries alone (with a key of its own,\n"
    "               at NEW.key or --log-key PATH), and check it equals this one.\n";

static const char help_help[] = "usage: tanhui help [COMMAND] [--json]\n\nShow the help of a command "
                                "(--json: as an object; without COMMAND, the list of commands).\n";

const th_command th_commands[] = {
    {"measure", th_cmd_measure, "forest carbon from two inventories", help_measure},
    {"gen-inventory", th_cmd_gen_inventory, "write a synthetic pair of inventories", help_gen},
    {"init", th_cmd_init, "create the registry database", help_init},
    {"demo", th_cmd_demo, "create a database holding a whole demo, with logins", help_demo},
    {"account", th_cmd_account, "add or list accounts", help_account},
    {"project", th_cmd_project, "add or list projects; set who shares their income",
     help_project},
    {"report", th_cmd_report, "add, verify, reject or show monitoring reports", help_report},
    {"issue", th_cmd_issue, "issue a verified report's credits (or cancel a reversal)", help_issue},
    {"holdings", th_cmd_holdings, "an account's credits, by serial block", help_holdings},
    {"supply", th_cmd_supply, "credits issued, held, retired, cancelled", help_supply},
    {"transfer", th_cmd_transfer, "move credits to another account", help_transfer},
    {"retire", th_cmd_retire, "retire credits for an offset, with a certificate", help_retire},
    {"certificate", th_cmd_certificate, "show a retirement certificate", help_certificate},
    {"cash", th_cmd_cash, "deposit, withdraw, or show an account's cash", help_cash},
    {"instrument", th_cmd_instrument, "add, list or show what the exchange trades",
     help_instrument},
    {"order", th_cmd_order, "place, cancel or show an order on the exchange", help_order},
    {"orders", th_cmd_orders, "an account's orders and fills", help_orders},
    {"trades", th_cmd_trades, "the trade tape", help_trades},
    {"payouts", th_cmd_payouts, "the benefit shares an account received", help_payouts},
    {"bars", th_cmd_bars, "an instrument's trades in bars (OHLC, volume, VWAP)", help_bars},
    {"block", th_cmd_block, "propose, accept or list block trades (大宗协议)", help_block},
    {"session", th_cmd_session, "open, close or pre-open an instrument's trading session",
     help_session},
    {"serve", th_cmd_serve, "serve the JSON API (/api/v1) and /metrics", help_serve},
    {"user", th_cmd_user, "add or list the API's users (Argon2id passwords, roles)", help_user},
    {"token", th_cmd_token, "create or revoke an API user's bearer token", help_token},
    {"auction", th_cmd_auction, "one-way auctions (单向竞价): open, bid, settle, show, list",
     help_auction},
    {"calendar", th_cmd_calendar, "the trading calendar: days, hours, holidays, time zone",
     help_calendar},
    {"check", th_cmd_check, "verify every invariant of the registry", help_check},
    {"log", th_cmd_log, "the transparency log: entries, checkpoints, proofs, verify", help_log},
    {"book", th_cmd_book, "an instrument's order book; or replay commands through one",
     help_book},
    {"help", th_cmd_help, "show the help of a command", help_help},
    {NULL, NULL, NULL, NULL},
};

/* `help --json`: the commands (or one) as an object, for programs that drive tanhui. */
static int help_json(const char *name)
{
    th_buf b;
    th_buf_init(&b);
    th_json j;
    th_json_init(&j, &b);
    th_json_obj_begin(&j);
    if (name) {
        const th_command *c = th_command_find(name);
        if (!c) {
            fprintf(stderr, "tanhui: help: unknown command '%s' (see tanhui --help)\n", name);
            th_buf_free(&b);
            return 2;
        }
        th_json_key(&j, "command");
        th_json_str(&j, c->name);
        th_json_key(&j, "summary");
        th_json_str(&j, c->summary);
        th_json_key(&j, "help");
        th_json_str(&j, c->help);
    } else {
        th_json_key(&j, "commands");
        th_json_arr_begin(&j);
        for (const th_command *c = th_commands; c->name; c++) {
            th_json_obj_begin(&j);
            th_json_key(&j, "command");
            th_json_str(&j, c->name);
            th_json_key(&j, "summary");
            th_json_str(&j, c->summary);
            th_json_obj_end(&j);
        }
        th_json_arr_end(&j);
    }
    th_json_obj_end(&j);
    th_buf_putc(&b, '\n');
    fputs(b.p, stdout);
    th_buf_free(&b);
    return 0;
}

int th_cmd_help(const th_global *g, int argc, char **argv)
{
    (void)g;
    const char *name = NULL;
    bool json = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "tanhui: help: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (name) {
            fprintf(stderr, "tanhui: help: give one command\n");
            return 2;
        } else {
            name = argv[i];
        }
    }
    if (json)
        return help_json(name);
    argc = name ? 1 : 0;
    argv = (char **)&name;
    if (argc == 0) {
        printf("usage: tanhui [--db PATH] COMMAND [OPTIONS]\n\ncommands:\n");
        for (const th_command *c = th_commands; c->name; c++)
            printf("  %-15s %s\n", c->name, c->summary);
        printf("\n`tanhui help COMMAND` shows one command; tanhui(1) has everything.\n");
        return 0;
    }
    const th_command *c = th_command_find(argv[0]);
    if (!c) {
        fprintf(stderr, "tanhui: help: unknown command '%s' (see tanhui --help)\n", argv[0]);
        return 2;
    }
    fputs(c->help, stdout);
    return 0;
}
