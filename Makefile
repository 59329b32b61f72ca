# tanhui — GNU Make build. `make` builds build/tanhui; `make test` runs the whole suite (plain and
# ASan+UBSan builds, and the web app in Chromium); `make run` serves a fresh demo with the web app;
# `make web` builds the web app; `make tour` walks through the command line; `make bench` the
# benchmarks; `make check-long` the long tests; `make fuzz` libFuzzer builds of the CSV reader, the
# order book and the API's request decoding. The public targets first make sure the Debian packages are there
# (scripts/deps.sh), then build through a sub-make, so that the pkg-config flags are read only
# once the packages exist.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS     = gdal libcrypto sqlite3 jansson libmicrohttpd libsodium
# GDAL is opened with dlopen when a GIS file is met (src/inventory/gdal_api.h): we compile with
# its headers but link only libcrypto and SQLite, and bake in the soname of the libgdal found here.
GDAL_SONAME = $(shell objdump -p $$($(CC) -print-file-name=libgdal.so) 2>/dev/null | awk '/SONAME/ { print $$2 }')

WARN    = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
          -Wpointer-arith -Wvla -Wundef -Wcast-align -Wwrite-strings -Wold-style-definition
DEFS    = -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
PKG_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS)))
PKG_LIBS   = $(shell pkg-config --libs libcrypto sqlite3 jansson libmicrohttpd libsodium)
CFLAGS_COMMON = -std=c17 $(WARN) $(DEFS) -Isrc -MMD -MP -pthread $(PKG_CFLAGS) \
          -DTH_GDAL_SONAME='"$(GDAL_SONAME)"'

OPT     ?= -O2 -g
SAN      = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LIBS     = $(PKG_LIBS) -pthread -lm -ldl

LIB_SRC  = $(sort $(wildcard src/base/*.c src/carbon/*.c src/inventory/*.c src/store/*.c \
           src/ledger/*.c src/exchange/*.c src/engine/*.c src/market/*.c src/log/*.c \
           src/server/*.c)) \
           build/gen/params_default.c
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))

obj = $(patsubst %.c,$(1)/%.o,$(2))
REL := build/obj
ASN := build/asan

.PHONY: all build web deps test test-run run tour bench bench-run check-long fuzz install uninstall \
        clean

all:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory build

build: build/tanhui

# The web app (web/: plain ES modules, and npm's ECharts and qrcode-generator) in build/web.
WEB_SRC = web/index.html web/package.json web/package-lock.json $(shell find web/app -type f)
build/web/index.html: $(WEB_SRC) scripts/web.sh
	@echo "  WEB     build/web"
	@scripts/web.sh

web: build/web/index.html

deps:
	@scripts/deps.sh test

$(REL)/%.o: %.c | build/gen/params_default.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_COMMON) $(OPT) -c $< -o $@

$(ASN)/%.o: %.c | build/gen/params_default.c
	@mkdir -p $(@D)
	@echo "  CC san  $<"
	@$(CC) $(CFLAGS_COMMON) $(SAN) -c $< -o $@

build/tanhui: $(call obj,$(REL),$(LIB_SRC) $(CLI_SRC))
	@echo "  LD      $@"
	@$(CC) $(OPT) -o $@ $^ $(LIBS)

$(ASN)/tanhui: $(call obj,$(ASN),$(LIB_SRC) $(CLI_SRC))
	@echo "  LD san  $@"
	@$(CC) $(SAN) -o $@ $^ $(LIBS)

build/test-unit: $(call obj,$(REL),$(LIB_SRC) $(UNIT_SRC))
	@echo "  LD      $@"
	@$(CC) $(OPT) -o $@ $^ $(LIBS)

$(ASN)/test-unit: $(call obj,$(ASN),$(LIB_SRC) $(UNIT_SRC))
	@echo "  LD san  $@"
	@$(CC) $(SAN) -o $@ $^ $(LIBS)

# The fuzz drivers (tests/fuzz/fuzz_NAME.c), each linked with a main() that replays a corpus
# (runs under gcc, in `make test`).
build/fuzz-%-replay: $(call obj,$(ASN),$(LIB_SRC)) $(ASN)/tests/fuzz/fuzz_%.o $(ASN)/tests/fuzz/replay_main.o
	@echo "  LD san  $@"
	@$(CC) $(SAN) -o $@ $^ $(LIBS)

# The same drivers under libFuzzer (clang): `make fuzz`, then for example
# build/fuzz-csv tests/fuzz/corpus/csv or build/fuzz-replay tests/fuzz/corpus/replay
build/fuzz-%: $(LIB_SRC) tests/fuzz/fuzz_%.c
	@mkdir -p $(@D)
	clang -std=c17 $(DEFS) -Isrc -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
	    -o $@ $^ $(LIBS)

build/bench-%: $(call obj,$(REL),$(LIB_SRC) bench/bench_%.c)
	@echo "  LD      $@"
	@$(CC) $(OPT) -o $@ $^ $(LIBS)

# bench-layers compares libmicrohttpd with libh2o-evloop, which tanhui itself does not use: its
# flags are read only here, and only it links the library.
$(REL)/bench/bench_layers.o: CFLAGS_COMMON += $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libh2o-evloop 2>/dev/null))
build/bench-layers: $(REL)/bench/bench_layers.o
	@echo "  LD      $@"
	@$(CC) $(OPT) -o $@ $^ $(shell pkg-config --libs libh2o-evloop 2>/dev/null) $(LIBS)

TEST_BINS = build/tanhui build/test-unit $(ASN)/tanhui $(ASN)/test-unit build/fuzz-csv-replay \
            build/fuzz-replay-replay build/fuzz-request-replay

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory test-run

test-run: $(TEST_BINS) build/web/index.html
	@tests/run.sh

check-long:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory $(TEST_BINS) build/web/index.html
	@TANHUI_LONG=1 tests/run.sh

run:
	@scripts/deps.sh web
	@$(MAKE) --no-print-directory build build/web/index.html
	@scripts/run.sh

tour:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory build
	@scripts/tour.sh

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory bench-run

bench-run: build/tanhui build/bench-measure build/bench-ledger build/bench-book build/bench-check \
           build/bench-tlog build/bench-market build/bench-http build/bench-layers build/web/index.html
	build/bench-measure
	build/bench-ledger
	build/bench-check
	build/bench-tlog
	build/bench-market
	build/bench-http
	build/bench-layers
	build/bench-book --mix exchange-core
	build/bench-book --mix liquibook
	node bench/bench_web.mjs build/tanhui build/web

fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory build/fuzz-csv build/fuzz-replay build/fuzz-request

install: build/tanhui
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/tanhui
	install -m 755 build/tanhui $(DESTDIR)$(PREFIX)/bin/tanhui
	install -m 644 docs/tanhui.1 $(DESTDIR)$(PREFIX)/share/man/man1/tanhui.1
	install -m 644 data/params-default.csv $(DESTDIR)$(PREFIX)/share/tanhui/params-default.csv

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tanhui $(DESTDIR)$(PREFIX)/share/man/man1/tanhui.1 \
	    $(DESTDIR)$(PREFIX)/share/tanhui/params-default.csv

clean:
	rm -rf build

# Objects made through pattern chains (the fuzz drivers) are kept, not removed as intermediates.
.SECONDARY:

-include $(shell find build -name '*.d' 2>/dev/null)

# The default parameter table is data, compiled in as a string so the binary needs no data path.
build/gen/params_default.c: data/params-default.csv
	@mkdir -p $(@D)
	{ echo '/* generated from data/params-default.csv: do not edit */'; \
	  echo '#include "carbon/params_default.h"'; \
	  echo 'const char th_params_default_csv[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; \
	  echo ';'; \
	  echo 'const unsigned long th_params_default_len = sizeof th_params_default_csv - 1;'; } > $@
