# yuebao - one non-recursive Makefile; everything is built under $(BUILD).
#
#   make                  the programs: yuebao-collector, yuebao-aggregator, yuebao-scorer, yuebao-notify, yuebao,
#                         their message catalogues and man pages (make man: those alone)
#   make test             installs missing packages, builds with ASan+UBSan, runs every test,
#                         then the end-to-end tests again with the daemons under valgrind
#   make demo             installs missing packages, runs the sample city end to end, in
#                         Chinese (make demo LANG=C.UTF-8 in English)
#   make bench            durable ingest beside the raw SQLite ceiling; scoring time and
#                         report → alert latency; alert → receiver called (yuebao-notify)
#   make check-layers     fails if util/ includes common/, or a daemon another daemon's header
#   make check-i18n       fails if a message is not marked for translation or has no zh_CN
#                         entry, or po/zh_CN.po does not pass msgfmt --check
#   make pot              po/yuebao.pot from the sources (a build product, not committed);
#                         make po-update merges it into po/zh_CN.po for the translator
#   make fuzz             libFuzzer over envelope decoding and the CSV readers, FUZZ_SECONDS
#                         each (clang; new crashing inputs are kept in tests/fuzz/regress)
#   make SANITIZER=address,undefined   any build with sanitizers
#   make V=1              shows every command (quiet by default)
#   make clean

BUILD     ?= build
CC        ?= gcc
SANITIZER ?=
OPT       ?= -O2
# Where an installed program finds its message catalogues (deploy/install.sh puts them
# there); a program run from the build tree finds $(BUILD)/locale beside its bin/.
LOCALEDIR ?= /usr/share/locale

# What `yuebao --version` says: the git revision this was built from, "unknown" outside
# a checkout.
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo unknown)
PKGS      := libzmq libprotobuf-c sqlite3 inih libzip expat
WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
             -Wno-missing-field-initializers
CFLAGS    += -std=c11 -D_GNU_SOURCE -g $(OPT) $(WARN) -MMD -MP \
             -Iutil -Icommon -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS    += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread
# The operator CLI alone writes spreadsheets (`yuebao export --format xlsx`, `yuebao
# template`, which also rewrites one part of its workbook with libzip); the daemons do
# not link them.
CLI_LIBS  := $(shell pkg-config --libs xlsxwriter libzip 2>/dev/null)
ifneq ($(SANITIZER),)
CFLAGS    += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS   += -fsanitize=$(SANITIZER)
endif
ifneq ($(WERROR),)
CFLAGS    += -Werror
endif

# Quiet by default, one line per file; make V=1 shows the commands.
ifeq ($(V),1)
Q         :=
SAY       := @true
else
Q         := @
SAY       := @printf '  %-6s %s\n'
endif

BIN       := $(BUILD)/bin
GEN       := $(BUILD)/gen
PROTO_H   := $(GEN)/yuebao.pb-c.h

# --- sources, explicit as in Redis: a new file is a decision -------------------------
# util/: mechanism that knows nothing of reports, zones or periods (Postfix's util/).
UTIL      := util/log.c util/diag.c util/text.c util/csv.c util/csv_table.c util/table.c util/sock.c util/loop.c util/util.c \
             util/db.c util/config.c util/notify.c util/keys.c util/zap.c util/lockfile.c \
             util/clock.c util/json.c util/strbuf.c util/strset.c util/table.c util/xlsx.c util/i18n.c
# common/: the project's domain model and its adapters (Postfix's global/), above util/.
# The codec is one file per message kind (codec_internal.h), the envelope in codec.c.
CODEC     := common/codec.c common/codec_report.c common/codec_enterprise.c common/codec_ack.c common/codec_event.c \
             common/codec_heartbeat.c common/codec_ranking.c common/codec_alert.c common/codec_totals.c \
             common/codec_snapshot.c common/codec_reconcile.c common/codec_check.c common/codec_period.c \
             common/codec_silence.c
COMMON    := common/approval.c common/clone.c common/period.c common/master.c common/report.c common/enterprise.c \
             common/county_table.c common/county_csv.c \
             common/validate.c common/validate_enterprise.c $(CODEC) common/wire.c common/rstore.c \
             common/aggregate.c common/ranking.c common/alert.c common/sstore.c common/rules.c \
             common/bulletin.c common/bulletin_enterprises.c common/plausibility.c common/filecheck.c common/intake.c common/outbox.c \
             common/outbox_soft.c common/score.c common/targets.c common/values.c common/version.c
AGGREGATOR_LIB := aggregator/aggregator_config.c aggregator/aggregator_master.c aggregator/aggregator_ack.c \
             aggregator/aggregator_ingest.c aggregator/aggregator_publish.c aggregator/aggregator_security.c \
             aggregator/aggregator_limit.c aggregator/aggregator_live.c \
             aggregator/aggregator_snapshot.c aggregator/aggregator_reconcile.c aggregator/aggregator_store.c \
             aggregator/aggregator_retry.c aggregator/aggregator_approval.c aggregator/aggregator_writer.c
COLLECTOR_LIB  := collector/collector_config.c collector/collector_inbox.c \
             collector/collector_queue.c collector/collector_send.c collector/collector_file.c \
             collector/collector_submit.c
SCORER_LIB     := scorer/scorer_config.c scorer/scorer_rules.c scorer/scorer_store.c \
             scorer/scorer_security.c scorer/scorer_recompute.c scorer/scorer_events.c \
             scorer/scorer_publish.c scorer/scorer_snapshot.c scorer/scorer_stars.c
# yuebao-notify's core: routes, groups, the notification store, the subscriber, the
# delivery threads, the control ROUTER (no libcurl: its unit tests link a stub receiver).
NOTIFY_LIB     := notify/notify_route.c notify/notify_group.c notify/notify_store.c notify/notify_engine.c \
             notify/notify_config.c notify/notify_deliver.c notify/notify_subscribe.c notify/notify_control.c \
             notify/notify_clock.c
CLI_LIB   := cli/cli_common.c cli/cli_config.c cli/cli_check.c cli/cli_status.c cli/cli_enterprises.c cli/cli_totals.c cli/cli_ranking.c \
             cli/cli_alerts.c cli/cli_exec.c cli/cli_keygen.c cli/cli_export.c cli/cli_export_xlsx.c \
             cli/cli_bulletin_cover.c cli/cli_bulletin_ranking.c cli/cli_bulletin_indicators.c \
             cli/cli_bulletin_projects.c cli/cli_bulletin_remarks.c cli/cli_bulletin_text.c \
             cli/cli_watch.c cli/cli_screen.c cli/cli_template.c cli/cli_request.c cli/cli_approve.c cli/cli_silence.c \
             cli/cli_user.c

# yuebao-notify's receivers: the 企业微信/钉钉 robots, the Alertmanager webhook, e-mail,
# exec, their transports and the message templates. They alone link libcurl (HTTPS with
# verification, proxies, SMTP with STARTTLS) and libsodium (钉钉's HMAC-SHA256).
NOTIFY_RECV    := notify/receiver.c notify/receiver_wecom.c notify/receiver_dingtalk.c notify/receiver_webhook.c \
             notify/receiver_email.c notify/receiver_exec.c notify/notify_http.c notify/notify_smtp.c \
             notify/notify_template.c
NOTIFY_LIBS    := $(shell pkg-config --libs libcurl libsodium 2>/dev/null)

# yuebao-web: the central office's browser front (web/web.h). It alone links
# libmicrohttpd with GnuTLS (HTTPS) and libsodium (Argon2id password hashes, session
# tokens); the accounts file is common/account.c, which the CLI's `yuebao user` shares.
WEB_LIB        := web/web_config.c web/web_http.c web/web_route.c web/web_session.c web/web_login.c \
             web/web_limit.c web/web_audit.c web/web_static.c web/web_stream.c web/web_access.c \
             web/web_data.c web/web_live.c web/web_events.c web/web_json.c web/web_api_overview.c \
             web/web_api_ranking.c web/web_api_zone.c web/web_api_county.c web/web_api_alerts.c \
             web/web_api_me.c web/web_download.c web/web_page.c
WEB_LIBS       := $(shell pkg-config --libs libmicrohttpd gnutls libsodium 2>/dev/null)
ACCOUNT_LIBS   := $(shell pkg-config --libs libsodium 2>/dev/null)
# the folder yuebao-web serves the pages' scripts, styles and ECharts from (built below)
WEB_ASSETS     := $(BUILD)/web/assets/.stamp

COMMON_OBJ     := $(UTIL:%.c=$(BUILD)/%.o) $(COMMON:%.c=$(BUILD)/%.o) $(GEN)/yuebao.pb-c.o
AGGREGATOR_OBJ := $(AGGREGATOR_LIB:%.c=$(BUILD)/%.o)
COLLECTOR_OBJ  := $(COLLECTOR_LIB:%.c=$(BUILD)/%.o)
SCORER_OBJ     := $(SCORER_LIB:%.c=$(BUILD)/%.o)
CLI_OBJ        := $(CLI_LIB:%.c=$(BUILD)/%.o)
NOTIFY_OBJ     := $(NOTIFY_LIB:%.c=$(BUILD)/%.o)
NOTIFY_RECV_OBJ := $(NOTIFY_RECV:%.c=$(BUILD)/%.o)
WEB_OBJ        := $(WEB_LIB:%.c=$(BUILD)/%.o)

PROGRAMS  := $(BIN)/yuebao-aggregator $(BIN)/yuebao-collector $(BIN)/yuebao-scorer $(BIN)/yuebao-notify $(BIN)/yuebao-web \
             $(BIN)/yuebao

# --- messages: gettext, the zh_CN catalogue built beside bin/ (see util/i18n.h) -------
LINGUAS   := zh_CN
MO        := $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/yuebao.mo)

# --- man pages: help2man over each program's --help and --version (make man) ---------
# The page is the program's own help, so it cannot disagree with it; yuebao's adds each
# command's help (deploy/man-include.sh). English, whatever the builder's locale.
MAN       := $(PROGRAMS:$(BIN)/%=$(BUILD)/man/%.1)
MAN_NAME_yuebao            := the operator's command line: check county files, the monthly template, status, live totals, ranking, alerts, the bulletin
MAN_NAME_yuebao-aggregator := receives, validates and stores the county reports; publishes events and live totals
MAN_NAME_yuebao-collector  := a county office's collector: sends the files dropped in its inbox, files the receipts
MAN_NAME_yuebao-scorer     := ranks the zones, judges targets and deadlines, publishes the alerts
MAN_NAME_yuebao-notify     := tells people the alerts: group robots, webhooks, e-mail; grouped, silenced, never twice
MAN_NAME_yuebao-web        := the central office's browser front: live completeness, totals, ranking, alerts, downloads

# --- tests: one Criterion file per module; e2e tests start the real daemons ----------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
E2E_TESTS  := $(patsubst tests/e2e/%.c,$(BUILD)/tests/%,$(wildcard tests/e2e/test_*.c))

.PHONY: all deps test check check-layers check-i18n pot po-update check-valgrind tests-built e2e-built demo bench \
        clean fuzz fuzz-built man
.SECONDARY:
# The man pages come with every build where help2man is installed (make deps installs
# it; make test and make demo run deps first); a plain `make` without it builds the
# programs and says so once. `make man` and `make install`-style targets require it.
HAVE_HELP2MAN := $(shell command -v help2man >/dev/null 2>&1 && echo yes)
ifeq ($(HAVE_HELP2MAN),yes)
MAN_IF    := $(MAN)
else
MAN_IF    :=
endif
all: $(PROGRAMS) $(MO) $(MAN_IF) $(WEB_ASSETS)
ifneq ($(HAVE_HELP2MAN),yes)
	@echo "note: no man pages: help2man is not installed (make deps installs it)"
endif
man: $(MAN)

deps:
	@deploy/install-deps.sh

$(GEN)/yuebao.pb-c.c $(GEN)/yuebao.pb-c.h &: proto/yuebao.proto
	@mkdir -p $(GEN)
	$(SAY) PROTO $<
	$(Q)protoc-c --proto_path=proto --c_out=$(GEN) $<

$(BUILD)/%.o: %.c | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(SAY) CC $<
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/util/i18n.o: CFLAGS += -DLOCALEDIR='"$(LOCALEDIR)"'

# msgfmt --check: a translation whose printf directives differ from its msgid's fails
# the build, as a format mismatch would crash the program.
$(BUILD)/locale/%/LC_MESSAGES/yuebao.mo: po/%.po
	@mkdir -p $(dir $@)
	$(SAY) MSGFMT $<
	$(Q)msgfmt --check -o $@ $<

# The template is extracted by the coverage check's script, which alone knows the
# keywords and the sources, so the two can never disagree.
pot:
	@tests/i18n/check-i18n.sh --pot po/yuebao.pot

po-update: pot
	msgmerge --quiet --update --backup=none --no-fuzzy-matching --no-wrap po/zh_CN.po po/yuebao.pot

$(GEN)/yuebao.pb-c.o: $(GEN)/yuebao.pb-c.c
	$(SAY) CC $<
	$(Q)$(CC) $(filter-out -Wmissing-prototypes,$(CFLAGS)) -c -o $@ $<

$(BIN)/yuebao-aggregator: $(BUILD)/aggregator/aggregator.o $(AGGREGATOR_OBJ) $(COMMON_OBJ)
	@mkdir -p $(BIN)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/yuebao-collector: $(BUILD)/collector/collector.o $(COLLECTOR_OBJ) $(COMMON_OBJ)
	@mkdir -p $(BIN)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/yuebao-scorer: $(BUILD)/scorer/scorer.o $(SCORER_OBJ) $(COMMON_OBJ)
	@mkdir -p $(BIN)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/yuebao-notify: $(BUILD)/notify/notifier.o $(NOTIFY_OBJ) $(NOTIFY_RECV_OBJ) $(COMMON_OBJ)
	@mkdir -p $(BIN)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(NOTIFY_LIBS) $(LDLIBS)

$(BIN)/yuebao-web: $(BUILD)/web/web.o $(WEB_OBJ) $(COMMON_OBJ) $(BUILD)/common/account.o
	@mkdir -p $(BIN)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(WEB_LIBS) $(LDLIBS)

# web/ includes its own headers (web.h and its parts'); nothing else does.
$(BUILD)/web/%.o $(BUILD)/tests/unit/test_web_%.o: CFLAGS += -Iweb

# yuebao-web's unit tests link the accounts and the parts each names below.
$(BUILD)/tests/test_web_%: $(BUILD)/tests/unit/test_web_%.o $(BUILD)/common/account.o $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(WEB_LIBS) $(LDLIBS) -lcriterion
$(BUILD)/tests/test_web_events: $(BUILD)/web/web_events.o
$(BUILD)/tests/test_web_live: $(BUILD)/web/web_live.o $(BUILD)/web/web_events.o

# test_web_api: the data handlers against real stores, with a stand-in for web_reply_error.
$(BUILD)/tests/test_web_api: $(BUILD)/web/web_data.o $(BUILD)/web/web_access.o $(BUILD)/web/web_json.o \
    $(BUILD)/web/web_api_me.o $(BUILD)/web/web_api_overview.o $(BUILD)/web/web_api_ranking.o \
    $(BUILD)/web/web_api_zone.o $(BUILD)/web/web_api_county.o $(BUILD)/web/web_api_alerts.o \
    $(BUILD)/web/web_download.o
$(BUILD)/tests/test_web_page: $(BUILD)/web/web_page.o

# The browser side of yuebao-web: the pages' scripts and style (web/assets/) and Apache
# ECharts from npm, pinned by package-lock.json (npm ci installs exactly that, and again
# only when the lock file changes). The browser test's puppeteer-core drives the
# system's chromium, so it downloads no browser. WEB_ASSETS is the folder the web
# serves as cfg.assets in the tests.
node_modules/.stamp: package.json package-lock.json
	$(SAY) NPM ci
	$(Q)PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_ASSETS): node_modules/.stamp $(wildcard web/assets/*)
	@mkdir -p $(dir $@)vendor
	$(SAY) ASSETS $(dir $@)
	$(Q)cp web/assets/* $(dir $@)
	$(Q)cp node_modules/echarts/dist/echarts.min.js $(dir $@)vendor/
	@touch $@

# The browser test's fake server serves what web_page.c writes (tests/browser/).
$(BUILD)/tests/browser/dump_pages: $(BUILD)/tests/browser/dump_pages.o $(BUILD)/web/web_page.o $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/browser/dump_pages.o: CFLAGS += -Iweb

# The version goes into common/version.c alone, rebuilt when it changes: $(BUILD)/version
# is rewritten (while the Makefile is read, so no recipe runs for it) only then.
# test_log proves log_fatal is noreturn by a function that ends in it: only an error
# makes that proof, whatever WERROR says.
$(BUILD)/tests/unit/test_log.o: CFLAGS += -Werror=return-type

$(BUILD)/common/version.o: CFLAGS += -DYUEBAO_VERSION='"$(VERSION)"'
$(BUILD)/common/version.o: $(BUILD)/version
$(shell mkdir -p $(BUILD) && { echo '$(VERSION)' | cmp -s - $(BUILD)/version || echo '$(VERSION)' > $(BUILD)/version; })

# `yuebao user` writes yuebao-web's accounts file (common/account.c, libsodium).
$(BIN)/yuebao: $(BUILD)/cli/yuebao.o $(CLI_OBJ) $(COMMON_OBJ) $(BUILD)/common/account.o
	@mkdir -p $(BIN)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(CLI_LIBS) $(ACCOUNT_LIBS) $(LDLIBS)

$(BUILD)/man/%.1: $(BIN)/% deploy/man-include.sh
	@command -v help2man >/dev/null 2>&1 || { echo "man: help2man is missing: make deps (the Debian package help2man)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(SAY) MAN $@
	$(Q)deploy/man-include.sh $< > $@.h2m
	$(Q)help2man --locale=C.UTF-8 --no-info --name="$(MAN_NAME_$*)" --manual="yuebao manual" \
	    --include=$@.h2m --output=$@.tmp $< && mv $@.tmp $@ && rm -f $@.h2m

# Unit tests link the real modules (all of common, and the daemons without main).
$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(AGGREGATOR_OBJ) $(COLLECTOR_OBJ) $(SCORER_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

# notify/ includes its own headers (notifier.h, notice.h, receiver.h); nothing else does.
$(BUILD)/notify/%.o $(BUILD)/tests/unit/test_notifier_%.o $(BUILD)/tests/unit/stub_receiver.o: CFLAGS += -Inotify

# yuebao-notify's unit tests link its core and a stub receiver (no network).
$(BUILD)/tests/test_notifier_%: $(BUILD)/tests/unit/test_notifier_%.o $(NOTIFY_OBJ) $(BUILD)/tests/unit/stub_receiver.o \
                                $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

# The CLI's modules that stand alone: its configuration (and the daemons' tables beside
# it, with the shipped yuebao.ini) and the screen layout of `yuebao watch`.
$(BUILD)/tests/test_cli_config $(BUILD)/tests/test_config_keys: $(BUILD)/cli/cli_config.o
$(BUILD)/tests/test_config_keys: $(BUILD)/web/web_config.o
$(BUILD)/tests/test_cli_screen: $(BUILD)/cli/cli_screen.o

# The receivers' tests link them with libcurl and libsodium (the daemon's own rule is
# i16-notify's); the end-to-end one delivers to the fakes in tests/e2e/fake_receivers.c.
$(BUILD)/tests/test_receivers: $(NOTIFY_RECV_OBJ)
$(BUILD)/tests/test_receivers: LDLIBS += $(NOTIFY_LIBS)
$(BUILD)/tests/test_e2e_receivers: $(BUILD)/tests/e2e/fake_receivers.o $(NOTIFY_RECV_OBJ)
$(BUILD)/tests/test_e2e_receivers: LDLIBS += $(NOTIFY_LIBS)

# yuebao-web's end-to-end test is a browser as far as HTTP goes: libcurl, cookies, TLS.
$(BUILD)/tests/test_e2e_web: LDLIBS += $(shell pkg-config --libs libcurl 2>/dev/null)

# yuebao-notify's end-to-end test delivers to the fakes as well.
$(BUILD)/tests/test_e2e_notify: $(BUILD)/tests/e2e/fake_receivers.o
$(BUILD)/tests/test_e2e_notify: LDLIBS += $(NOTIFY_LIBS)

# The accounts file and its Argon2id hashes (libsodium); the login rate limiter.
$(BUILD)/tests/test_account: $(BUILD)/common/account.o
$(BUILD)/tests/test_account: LDLIBS += $(ACCOUNT_LIBS)
$(BUILD)/tests/test_web_limit: $(BUILD)/web/web_limit.o
$(BUILD)/tests/test_e2e_user: $(BUILD)/common/account.o
$(BUILD)/tests/test_e2e_user: LDLIBS += $(ACCOUNT_LIBS)

# test_e2e_watch runs `yuebao watch` on a pseudo-terminal (forkpty).
$(BUILD)/tests/test_e2e_watch: LDLIBS += -lutil

# test_bulletin_xlsx writes the printed bulletin with the CLI's own writer and reads its
# parts back with libzip.
$(BUILD)/tests/test_bulletin_xlsx: $(BUILD)/cli/cli_export.o $(BUILD)/cli/cli_export_xlsx.o \
    $(BUILD)/cli/cli_common.o $(filter $(BUILD)/cli/cli_bulletin%,$(CLI_OBJ))
$(BUILD)/tests/test_bulletin_xlsx: LDLIBS += $(CLI_LIBS)

# test_xlsx writes its workbooks with libxlsxwriter, as the CLI does.
$(BUILD)/tests/test_xlsx: LDLIBS += $(CLI_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/e2e/%.o $(BUILD)/tests/e2e/e2e.o $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

# bench_ingest's live viewers of yuebao-web are libcurl streams (bench_viewers.c).
$(BUILD)/bench/bench_ingest: $(BUILD)/bench/bench_ingest.o $(BUILD)/bench/bench.o $(BUILD)/bench/bench_viewers.o \
                             $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs libcurl 2>/dev/null) $(LDLIBS)

$(BUILD)/bench/bench_score: $(BUILD)/bench/bench_score.o $(BUILD)/bench/bench.o $(SCORER_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/bench_notify: $(BUILD)/bench/bench_notify.o $(BUILD)/bench/bench.o $(BUILD)/tests/e2e/fake_receivers.o \
                             $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(NOTIFY_LIBS) $(LDLIBS)

# The test run: sanitizers on, every unit test, then the end-to-end tests against the
# sanitized daemons. Criterion prints its own "Synthesis" line per binary.
test: deps check-layers check-i18n
	@$(MAKE) --no-print-directory -j2 BUILD=build/san SANITIZER=address,undefined OPT=-O1 tests-built
	@$(MAKE) --no-print-directory BUILD=build/san SANITIZER=address,undefined OPT=-O1 check
	@$(MAKE) --no-print-directory -j2 e2e-built
	@$(MAKE) --no-print-directory check-valgrind

# Builds only (in parallel); the runs above stay one binary at a time.
tests-built: $(PROGRAMS) $(MO) $(MAN_IF) $(WEB_ASSETS) $(UNIT_TESTS) $(E2E_TESTS)
e2e-built: $(PROGRAMS) $(MO) $(MAN_IF) $(WEB_ASSETS) $(E2E_TESTS)

# util/ includes only util/, common/ never a daemon, no daemon another's (see the script).
check-layers:
	@tests/layers/check-layers.sh
	@tests/layers/check-layers.sh --self-test

# Every message marked, every marked message translated, the catalogue well-formed
# (tests/i18n/check-i18n.sh); the self-test shows an unmarked message is caught.
check-i18n:
	@tests/i18n/check-i18n.sh
	@tests/i18n/check-i18n.sh --self-test

check: $(PROGRAMS) $(MO) $(MAN_IF) $(UNIT_TESTS) $(E2E_TESTS)
	@YUEBAO_BIN=$(abspath $(BIN)) YUEBAO_EXAMPLES=$(abspath examples) \
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	tests/run.sh $(UNIT_TESTS) $(E2E_TESTS)

# The daemons once more, unsanitized, under valgrind memcheck: any memory error or
# definite leak makes a daemon exit 99, which the end-to-end tests assert against.
check-valgrind: $(PROGRAMS) $(MO) $(MAN_IF) $(WEB_ASSETS) $(E2E_TESTS)
	@echo "== end-to-end tests with the daemons under valgrind"
	@YUEBAO_BIN=$(abspath $(BIN)) YUEBAO_EXAMPLES=$(abspath examples) YUEBAO_E2E_VALGRIND=1 \
	tests/run.sh $(E2E_TESTS)

# The demo speaks Chinese, as a deployment does; make demo LANG=C.UTF-8 (or LC_ALL=...)
# in English: a language given on make's command line wins, the shell's does not.
DEMO_LANG := $(or $(if $(filter command line,$(origin LC_ALL)),$(LC_ALL)),$(if $(filter command line,$(origin LANG)),$(LANG)),zh_CN.UTF-8)
demo: deps
	@$(MAKE) --no-print-directory all
	@DEMO_LANG=$(DEMO_LANG) examples/demo.sh $(abspath $(BIN))

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/bench_ingest $(BUILD)/bench/bench_score $(BUILD)/bench/bench_notify
	@$(BUILD)/bench/bench_ingest $(abspath $(BIN))
	@$(BUILD)/bench/bench_score $(abspath $(BIN))
	@$(BUILD)/bench/bench_notify $(abspath $(BIN))

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ==== fuzzing: make fuzz ==============================================================
# libFuzzer targets over everything that reads untrusted bytes: fuzz_envelope
# (codec_decode, then validation and a codec round trip) and fuzz_csv (the
# CSV reader, text decoding and the county CSV parser). Built with clang, ASan and UBSan
# into $(BUILD)/fuzz/; each runs FUZZ_SECONDS from the seeds in tests/fuzz/corpus/<target>
# (new finds go to $(BUILD)/fuzz/corpus/<target>), with tests/fuzz/<target>.dict if any.
# A crash, leak or timeout is copied to tests/fuzz/regress/<target>/, which
# test_fuzz_regress replays under `make test`.  make fuzz FUZZ_SECONDS=300 for longer.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 8192
FUZZ_FLAGS   ?=
FUZZ_TARGETS := envelope csv
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SRC     := util/log.c util/diag.c util/text.c util/csv.c util/csv_table.c util/table.c util/clock.c util/util.c util/config.c \
                common/period.c common/master.c common/report.c common/county_table.c common/county_csv.c common/validate.c \
                $(CODEC) common/ranking.c common/alert.c common/plausibility.c \
                common/intake.c common/aggregate.c tests/fuzz/fuzz_targets.c $(GEN)/yuebao.pb-c.c
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -Wall -Wextra -Wno-missing-field-initializers -Iutil -Icommon -I$(GEN) \
                $(shell pkg-config --cflags libprotobuf-c inih 2>/dev/null)
FUZZ_LIBS    := $(shell pkg-config --libs libprotobuf-c inih 2>/dev/null) -lm

fuzz-built: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

# One entry file, built per target around that target's body in fuzz_targets.c.
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_main.c $(FUZZ_SRC) tests/fuzz/fuzz_targets.h | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_ONE=fuzz_$*_one -o $@ $< $(FUZZ_SRC) $(FUZZ_LIBS)

fuzz: deps
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	    echo "fuzz: installing clang"; S=""; [ "$$(id -u)" -eq 0 ] || S=sudo; \
	    DEBIAN_FRONTEND=noninteractive $$S apt-get install -y -qq --no-install-recommends clang >/dev/null; }
	@$(MAKE) --no-print-directory fuzz-built
	@status=0; for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts/$$t tests/fuzz/regress/$$t; \
	    echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    YUEBAO_EXAMPLES=$(abspath examples) ASAN_OPTIONS=detect_leaks=1 \
	    $(FUZZ_DIR)/fuzz_$$t $(FUZZ_DIR)/corpus/$$t tests/fuzz/corpus/$$t \
	        -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t/ \
	        $$([ -f tests/fuzz/$$t.dict ] && echo -dict=tests/fuzz/$$t.dict) $(FUZZ_FLAGS) \
	        2>$(FUZZ_DIR)/fuzz_$$t.log || status=1; \
	    grep -E "^stat::number_of_executed_units|^stat::new_units_added|ERROR|SUMMARY" $(FUZZ_DIR)/fuzz_$$t.log; \
	    for f in $(FUZZ_DIR)/artifacts/$$t/*; do \
	        [ -f "$$f" ] || continue; cp "$$f" tests/fuzz/regress/$$t/ && rm -f "$$f" && \
	        echo "fuzz_$$t: kept $$f as tests/fuzz/regress/$$t/$${f##*/}"; status=1; done; \
	done; \
	[ $$status -eq 0 ] || echo "fuzz: findings above; full logs in $(FUZZ_DIR)/fuzz_*.log"; exit $$status

# The regression test replays tests/fuzz/regress and the seed corpus through the same code.
$(BUILD)/tests/test_fuzz_regress: $(BUILD)/tests/unit/test_fuzz_regress.o $(BUILD)/tests/fuzz/fuzz_targets.o \
                                  $(AGGREGATOR_OBJ) $(COLLECTOR_OBJ) $(SCORER_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion
# ==== end of fuzzing ==================================================================
