# kaspi-pos — build, run, test, bench, fuzz, asan, install, deps.
# Sources are found by directory, so a new module needs no edit here.

SHELL      := /bin/bash
VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
BUILD      ?= build
CC         ?= cc

PKGS       := ncursesw libcurl libcjson libqrencode sqlite3 cmocka libmicrohttpd libcrypto libpq
# pkg-config module → Debian package that provides it (make deps)
DEB_ncursesw     := libncurses-dev
DEB_libcurl      := libcurl4-openssl-dev
DEB_libcjson     := libcjson-dev
DEB_libqrencode  := libqrencode-dev
DEB_sqlite3      := libsqlite3-dev
DEB_cmocka       := libcmocka-dev
DEB_libmicrohttpd:= libmicrohttpd-dev
DEB_libcrypto    := libssl-dev
DEB_libpq        := libpq-dev
# tools the tests and benches drive (command → package)
TOOLS      := pkg-config:pkg-config tmux:tmux curl:curl wrk:wrk openssl:openssl msgfmt:gettext sqlite3:sqlite3 python3:python3 zbarimg:zbar-tools \
              man:man-db groff:groff-base chromium:chromium
# PostgreSQL's server programs (initdb, pg_ctl) for the hub's tests: Debian
# keeps them off PATH, in /usr/lib/postgresql/VERSION/bin
PG_BIN     := $(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin)))

WARN       := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
              -Wformat=2 -Wwrite-strings -Werror
CFLAGS     ?= -O2 -g
ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE -DKP_VERSION='"$(VERSION)"' -DKP_LOCALEDIR='"$(PREFIX)/share/locale"' $(WARN) $(CFLAGS) \
              -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CFLAGS)
LIBS        = -Wl,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
LDFLAGS    ?=

LIB_SRC    := $(wildcard src/core/*.c src/net/*.c src/store/*.c src/app/*.c src/tui/*.c)
POS_SRC    := $(wildcard src/cli/*.c)
# the sandboxes: what both share (server, faults, clock...), then each one's own
SBXC_SRC   := $(wildcard src/sandbox/*.c)
SBX_SRC    := $(wildcard src/sandbox/kaspi/*.c)
KSX_SRC    := $(wildcard src/sandbox/kassa/*.c)
# kaspi-hub: its own binary (PostgreSQL, libmicrohttpd, cJSON) on the till's
# library for what it shares with the till: the webhook checks (net/webhook.c),
# the catalog's CSV checks, the PIN's hash and the reading of a PIN (cli_pin.c)
HUB_SRC    := $(wildcard src/hub/*.c)
HUB_SHARED := src/cli/cli_pin.c
CORE_SRC   := $(wildcard src/core/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
INTEG_SRC  := $(wildcard tests/integration/test_*.c)
TSUP_SRC   := $(wildcard tests/support/*.c)
# shell tests that drive the real programs (lib files are sourced, not run)
# the slowest first, so that the run does not end on one of them alone
SLOW_TESTS  := tests/e2e/words.sh tests/e2e/words_kk.sh tests/hub/report.sh tests/cli/fiscal.sh \
               tests/cli/charge.sh tests/sandbox/kassa_faults.sh tests/cli/sale_kill.sh tests/hub/scale.sh
SHELL_TESTS := $(SLOW_TESTS) $(filter-out %/lib.sh $(SLOW_TESTS),$(wildcard tests/sandbox/*.sh \
               tests/cli/*.sh tests/e2e/*.sh tests/hub/*.sh))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB        := $(BUILD)/libkpos.a
POS        := $(BUILD)/kaspi-pos
SBX        := $(BUILD)/kaspi-sandbox
KSX        := $(BUILD)/kassa-sandbox
HUB        := $(BUILD)/kaspi-hub
CORE_LIB   := $(BUILD)/libkpcore.a
SBXC_LIB   := $(BUILD)/libsandbox.a
# kassa-sandbox less its main, for the unit tests of its arithmetic and rules
KSX_LIB    := $(BUILD)/libkassa.a
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
INTEG_BIN  := $(patsubst tests/integration/%.c,$(BUILD)/tests/%,$(INTEG_SRC))
TSUP_OBJ   := $(call obj,$(TSUP_SRC))

# ---- translations ----------------------------------------------------------
# data/po/LANG.po → build/locale/LANG/LC_MESSAGES/kaspi-pos.mo, found by a
# build-tree binary beside itself; `make pot` refreshes the template and
# merges it into each .po.
LINGUAS    := ru kk
MO         := $(patsubst %,$(BUILD)/locale/%/LC_MESSAGES/kaspi-pos.mo,$(LINGUAS))
$(BUILD)/locale/%/LC_MESSAGES/kaspi-pos.mo: data/po/%.po
	@mkdir -p $(dir $@)
	$(Q)msgfmt --check -o $@ $<

.PHONY: pot
pot:
	xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --add-comments=TRANSLATORS \
	  --package-name=kaspi-pos --package-version=$(VERSION) -o data/po/kaspi-pos.pot \
	  $(sort $(wildcard src/*/*.c src/*/*.h))
	for l in $(LINGUAS); do msgmerge -q --update --backup=none data/po/$$l.po data/po/kaspi-pos.pot; done

.PHONY: all deps run test unit integration asan fuzz bench install uninstall clean check-deps
.DEFAULT_GOAL := all
# keep objects that only a test or bench binary uses
.SECONDARY:

all: check-deps $(POS) $(SBX) $(KSX) $(HUB) $(MO)

# ---- dependencies --------------------------------------------------------
# Installs what is missing when run as root; otherwise prints the apt-get line.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	for m in $(PKGS); do \
	  pkg-config --exists $$m 2>/dev/null || missing="$$missing $$(echo '$(foreach p,$(PKGS),$(p)=$(DEB_$(p)))' | tr ' ' '\n' | sed -n "s/^$$m=//p")"; \
	done; \
	for t in $(TOOLS); do \
	  command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; \
	done; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	missing=$$(echo $$missing | tr ' ' '\n' | sort -u | tr '\n' ' '); \
	if [ -z "$${missing// /}" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "make deps: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || \
	    { echo "make deps: apt-get install failed"; exit 1; }; \
	else \
	  echo "make deps: missing packages; run as root:"; \
	  echo "  apt-get install -y $$missing"; exit 1; \
	fi

check-deps:
	@pkg-config --exists $(PKGS) 2>/dev/null || \
	  { echo "missing libraries: run 'make deps' (as root) first"; exit 1; }

# ---- build -----------------------------------------------------------------
# Quiet by default; `make V=1` shows every command.
Q := $(if $(V),,@)
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(LIB_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(POS): $(call obj,$(POS_SRC)) $(LIB)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(CORE_LIB): $(call obj,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

# kaspi-hub: its own binary (PostgreSQL, libmicrohttpd, cJSON) on the till's
# library for what it shares with the till: the webhook checks (net/webhook.c),
# the catalog's CSV checks, the PIN's hash and the reading of a PIN (cli_pin.c)
HUB_SRC    := $(wildcard src/hub/*.c)
HUB_SHARED := src/cli/cli_pin.c
$(HUB): $(call obj,$(HUB_SRC) $(HUB_SHARED)) $(LIB)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(SBXC_LIB): $(call obj,$(SBXC_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(KSX_LIB): $(call obj,$(filter-out %/main.c,$(KSX_SRC)))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(SBX): $(call obj,$(SBX_SRC)) $(SBXC_LIB) $(LIB)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(KSX): $(call obj,$(filter %/main.c,$(KSX_SRC))) $(KSX_LIB) $(SBXC_LIB) $(LIB)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# kaspi-hub less its main, for the unit tests of its modules (tests/unit/test_hub_*.c)
HUB_LIB    := $(BUILD)/libhub.a
$(HUB_LIB): $(call obj,$(filter-out %/main.c,$(HUB_SRC)) $(HUB_SHARED))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/test_hub_%: $(BUILD)/obj/tests/unit/test_hub_%.o $(TSUP_OBJ) $(HUB_LIB) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# unit tests of kassa-sandbox's own modules (tests/unit/test_kassa_*.c)
$(BUILD)/tests/test_kassa_%: $(BUILD)/obj/tests/unit/test_kassa_%.o $(TSUP_OBJ) $(KSX_LIB) $(SBXC_LIB) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TSUP_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/integration/%.o $(TSUP_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- run -------------------------------------------------------------------
run: deps
	@$(MAKE) --no-print-directory all
	@tests/run-demo.sh $(POS) $(SBX) $(KSX)

# a chain: PostgreSQL, kaspi-hub and two tills of two shops, in tmux
.PHONY: hub-demo
hub-demo: deps
	@$(MAKE) --no-print-directory all
	@KP_BUILD=$(abspath $(BUILD)) tests/hub-demo.sh

# ---- tests -----------------------------------------------------------------
# Every test binary runs even when an earlier one fails; the exit is non-zero
# if any failed. cmocka prints its own summary per group; tests/run-tests.sh
# adds one closing line for the whole run.
test: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(INTEG_BIN)
	@KP_BUILD=$(BUILD) KP_POS=$(abspath $(POS)) KP_SANDBOX=$(abspath $(SBX)) KP_KASSA=$(abspath $(KSX)) \
	  KP_HUB=$(abspath $(HUB)) KP_PG_BIN=$(PG_BIN) \
	  tests/run-tests.sh $(UNIT_BIN) $(INTEG_BIN) $(SHELL_TESTS)

unit: all $(UNIT_BIN)
	@KP_BUILD=$(BUILD) tests/run-tests.sh $(UNIT_BIN)

integration: all $(INTEG_BIN)
	@KP_BUILD=$(BUILD) KP_POS=$(abspath $(POS)) KP_SANDBOX=$(abspath $(SBX)) KP_KASSA=$(abspath $(KSX)) \
	  KP_HUB=$(abspath $(HUB)) KP_PG_BIN=$(PG_BIN) \
	  tests/run-tests.sh $(INTEG_BIN) $(SHELL_TESTS)

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" test

# ---- fuzz (libFuzzer, clang) ----------------------------------------------
# Builds the library with clang's fuzzer instrumentation, links each
# tests/fuzz/fuzz_*.c against it and runs it FUZZ_TIME seconds on its seeds.
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TIME ?= 60
FUZZ_SAN  := -fsanitize=fuzzer-no-link,address,undefined
fuzz: deps
	@command -v clang >/dev/null || { echo "make fuzz needs clang: apt-get install clang"; exit 1; }
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang CFLAGS="-O1 -g $(FUZZ_SAN)" \
	  build-fuzz/libkpos.a build-fuzz/libkassa.a build-fuzz/libsandbox.a
	@set -o pipefail; bad=""; for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); mkdir -p build-fuzz/corpus/$$n; \
	  clang -std=c11 -D_GNU_SOURCE -O1 -g -Isrc $$(pkg-config --cflags $(PKGS)) \
	    -fsanitize=fuzzer,address,undefined -o build-fuzz/$$n $$f \
	    build-fuzz/libkassa.a build-fuzz/libsandbox.a build-fuzz/libkpos.a $(LIBS) || exit 1; \
	  echo "== $$n for $(FUZZ_TIME) s"; \
	  dict=""; [ -f tests/fuzz/$$n.dict ] && dict=-dict=tests/fuzz/$$n.dict; \
	  build-fuzz/$$n -max_total_time=$(FUZZ_TIME) -max_len=8192 -print_final_stats=1 $$dict \
	    -artifact_prefix=build-fuzz/$$n- build-fuzz/corpus/$$n \
	    $$( [ -d tests/fuzz/seeds/$$n ] && echo tests/fuzz/seeds/$$n ) 2>&1 \
	    | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' || bad="$$bad $$n"; \
	done; \
	[ -z "$$bad" ] || { echo "make fuzz: findings in$$bad (build-fuzz/NAME-crash-*)"; exit 1; }

# ---- bench -----------------------------------------------------------------
BENCH_BIN := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/*.c))
$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@tests/bench/run.sh $(POS) $(SBX) $(KSX)

# ---- install ---------------------------------------------------------------
MAN1       := data/kaspi-pos.1 data/kaspi-sandbox.1 data/kassa-sandbox.1 data/kaspi-hub.1
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kaspi-pos/themes \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(POS) $(SBX) $(KSX) $(HUB) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 data/config.example.ini $(DESTDIR)$(PREFIX)/share/kaspi-pos/
	for l in $(LINGUAS); do install -d $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES; \
	  install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/kaspi-pos.mo $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/; done
	for t in themes/*.theme; do [ -e "$$t" ] && install -m 644 "$$t" $(DESTDIR)$(PREFIX)/share/kaspi-pos/themes/ || true; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/kaspi-pos $(DESTDIR)$(PREFIX)/bin/kaspi-sandbox $(DESTDIR)$(PREFIX)/bin/kassa-sandbox $(DESTDIR)$(PREFIX)/bin/kaspi-hub
	rm -rf $(DESTDIR)$(PREFIX)/share/kaspi-pos
	rm -f $(patsubst data/%,$(DESTDIR)$(PREFIX)/share/man/man1/%,$(MAN1))
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/kaspi-pos.mo; done

clean:
	rm -rf build build-asan build-fuzz
