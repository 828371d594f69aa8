#!/usr/bin/env bash
# demo.sh - the sample city end to end: one aggregator, one collector per county, the
# county files of 2016-02 … 2017-06 dropped into the collectors' inboxes month by
# month, then what the central office sees: the ranking, the alerts (and, through
# yuebao-notify, what the central office's and 山城区's 企业微信 groups read: a stand-in
# robot, examples/demo-robot.sh, writes it to a file), May approved and published by the
# 统计局 and a correction of it refused, June's bulletin (still preliminary) and template.
# Usage: examples/demo.sh BIN_DIR
# Leaves its folder (store, outboxes, receipts) in build/demo for a look afterwards;
# leaves no process running.
#
# It speaks Chinese, as a deployment does (LANG=zh_CN.UTF-8 in the units): the programs
# through their catalogue beside BIN_DIR, this script's own lines through the same one
# (gettext(1), domain yuebao). DEMO_LANG=C.UTF-8 (make demo LANG=C.UTF-8) for English;
# without the zh_CN.UTF-8 locale (make deps generates it) it says so and speaks English.
set -euo pipefail

BIN=${1:?usage: demo.sh BIN_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
DEMO_LANG=${DEMO_LANG:-zh_CN.UTF-8}
canon() { tr 'A-Z' 'a-z' | tr -d '-'; } # zh_CN.UTF-8 is listed as zh_CN.utf8
if [ "$DEMO_LANG" != C.UTF-8 ] && ! locale -a 2>/dev/null | canon | grep -qx "$(echo "$DEMO_LANG" | canon)"; then
    echo "demo: the $DEMO_LANG locale is not installed (make deps generates zh_CN.UTF-8): the demo runs in English" >&2
    DEMO_LANG=C.UTF-8
fi
unset LANGUAGE LC_MESSAGES
export LC_ALL=$DEMO_LANG YUEBAO_LOCALEDIR
YUEBAO_LOCALEDIR=$(cd "$BIN/.." && pwd)/locale
# t MSGID: this script's words in the demo's language (English without gettext(1)).
t() {
    if command -v gettext >/dev/null 2>&1; then TEXTDOMAINDIR=$YUEBAO_LOCALEDIR gettext -d yuebao "$1"; else printf '%s' "$1"; fi
}
CITY=$HERE/sample-city
DEMO=$(cd "$HERE/.." && pwd)/build/demo
rm -rf "$DEMO"
mkdir -p "$DEMO"
export YUEBAO_LOG=${YUEBAO_LOG:-warn}
export YUEBAO_STORE=$DEMO/reports.db YUEBAO_MASTER=$CITY YUEBAO_SCORES=$DEMO/scores.db
export YUEBAO_SCORER_PUB=ipc://$DEMO/scorer.sock YUEBAO_SCORER_SNAPSHOT=ipc://$DEMO/snapshot.sock
# The story is told as of 5 July 2017: June's reports are in, May's were due on 10 June.
export YUEBAO_NOW=${YUEBAO_NOW:-2017-07-05}

pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

counties=$(tail -n +2 "$CITY/regions.csv" | cut -d, -f1 | sort -u)
county_name() { grep "^$1," "$CITY/regions.csv" | head -1 | cut -d, -f2; }

# --- keys: CURVE on every link, as in production ----------------------------------------
# Each county's collector holds its own key; authorized_keys tells the aggregator which
# county each key may report for. The scorer, yuebao-notify and the analyst's CLI are
# subscribers; zhangsan of the 统计局 approves and publishes a month (approver_keys).
K=$DEMO/keys
mkdir -p "$K"
pubkey() { grep -v '^#' "$K/$1.pub"; }
for name in aggregator scorer analyst notify web zhangsan $(printf 'county-%s ' $counties); do
    "$BIN/yuebao" keygen "$K/$name" >/dev/null
done
for c in $counties; do echo "$(pubkey "county-$c") $c $(county_name "$c") desk"; done >"$K/authorized_keys"
{ echo "$(pubkey scorer) scorer"; echo "$(pubkey analyst) analyst central office"; echo "$(pubkey notify) notify"
  echo "$(pubkey web) web the central office's dashboard"; } >"$K/subscriber_keys"
echo "$(pubkey zhangsan) zhangsan 统计局" >"$K/approver_keys"
export YUEBAO_KEY=$K/analyst.key YUEBAO_SERVER_KEY=$K/scorer.pub YUEBAO_AGGREGATOR_KEY=$K/aggregator.pub
export YUEBAO_AGGREGATOR_PUB=ipc://$DEMO/events.sock YUEBAO_AGGREGATOR_SNAPSHOT=ipc://$DEMO/agg-snapshot.sock
export YUEBAO_AGGREGATOR_CONTROL=ipc://$DEMO/agg-control.sock

# --- the central office -----------------------------------------------------------------
YUEBAO_LOG=info "$BIN/yuebao-aggregator" --set master_dir="$CITY" --set store="$DEMO/reports.db" \
    --set listen="ipc://$DEMO/aggregator.sock" --set publish="$YUEBAO_AGGREGATOR_PUB" \
    --set snapshot="$YUEBAO_AGGREGATOR_SNAPSHOT" --set key="$K/aggregator.key" --set authorized_keys="$K/authorized_keys" \
    --set subscriber_keys="$K/subscriber_keys" --set control="$YUEBAO_AGGREGATOR_CONTROL" \
    --set approver_keys="$K/approver_keys" 2>"$DEMO/aggregator.log" &
pids+=($!)
# the start-up line, "ready: …" (就绪：… in Chinese)
for _ in $(seq 100); do grep -qE "ready:|就绪：" "$DEMO/aggregator.log" 2>/dev/null && break; sleep 0.1; done
grep -qE "ready:|就绪：" "$DEMO/aggregator.log" || { echo "demo: the aggregator did not start:" >&2; cat "$DEMO/aggregator.log" >&2; exit 1; }
# The scorer subscribes to the aggregator's events and ranks each period as it fills in.
YUEBAO_LOG=info "$BIN/yuebao-scorer" --set master_dir="$CITY" --set store="$DEMO/reports.db" \
    --set scores="$DEMO/scores.db" --set events="ipc://$DEMO/events.sock" \
    --set publish="$YUEBAO_SCORER_PUB" --set snapshot="$YUEBAO_SCORER_SNAPSHOT" \
    --set key="$K/scorer.key" --set events_server_key="$K/aggregator.pub" \
    --set subscriber_keys="$K/subscriber_keys" --set reporting_since=2017-02 2>"$DEMO/scorer.log" &
pids+=($!)
for _ in $(seq 100); do grep -qE "ready:|就绪：" "$DEMO/scorer.log" 2>/dev/null && break; sleep 0.1; done
grep -qE "ready:|就绪：" "$DEMO/scorer.log" || { echo "demo: the scorer did not start:" >&2; cat "$DEMO/scorer.log" >&2; exit 1; }

# --- one collector per county ---------------------------------------------------------
n_zones=$(tail -n +2 "$CITY/regions.csv" | grep -c .)
for c in $counties; do
    d=$DEMO/county-$c
    mkdir -p "$d/inbox" "$d/done" "$d/rejected"
    "$BIN/yuebao-collector" --set county="$c" --set master_dir="$CITY" \
        --set aggregator="ipc://$DEMO/aggregator.sock" --set outbox="$d/outbox.db" \
        --set key="$K/county-$c.key" --set server_key="$K/aggregator.pub" \
        --set inbox="$d/inbox" --set done="$d/done" --set rejected="$d/rejected" \
        --set settle_ms=150 --set retry_min_ms=500 2>"$d/collector.log" &
    pids+=($!)
done

# Puts files into a county's inbox the way a desk officer's copy should: written under a
# hidden name, then renamed in, so the collector never reads half a file.
drop() {
    local c=$1; shift
    for f in "$@"; do
        cp "$f" "$DEMO/county-$c/inbox/.$(basename "$f").part"
        mv "$DEMO/county-$c/inbox/.$(basename "$f").part" "$DEMO/county-$c/inbox/$(basename "$f")"
    done
}

# Waits until every inbox is empty and nothing is in flight.
settle() {
    local deadline=$((SECONDS + 60))
    while :; do
        local busy=0
        for c in $counties; do
            if compgen -G "$DEMO/county-$c/inbox/*.csv" >/dev/null ||
               compgen -G "$DEMO/county-$c/inbox/.sending/*" >/dev/null; then busy=1; fi
        done
        [ $busy -eq 0 ] && return 0
        [ $SECONDS -lt $deadline ] || { echo "demo: collectors did not finish in 60 s" >&2; exit 1; }
        sleep 0.05
    done
}

q() { sqlite3 -readonly "$DEMO/reports.db" "$1"; }

say "$(t "yuebao demo: the sample city, 8 zones in 7 reporting units, 2016-02 … 2017-06")"
# xgettext:c-format
printf "$(t "store: %s   (each county's inbox, done/ and rejected/ under %s)")\n" "$DEMO/reports.db" "$DEMO/county-*"
# xgettext:c-format
printf "$(t "CURVE on every link: %s county keys in %s, %s subscribers, %s approver")\n" "$(grep -c . "$K/authorized_keys")" \
    "$K/authorized_keys" "$(grep -c . "$K/subscriber_keys")" "$(grep -c . "$K/approver_keys")"
# the words of a Chinese report, to read them back: "warning: " (警告：) in a receipt
W=$(t "warning: ")
printf '\n%s\n' "$(t "period   accepted  rejected  notes")"
touch "$DEMO/.mark"
for pdir in "$CITY"/reports/*/; do
    period=$(basename "$pdir")
    notes=()
    # 1: files with mistakes go first, as a desk officer's first try would
    for c in $counties; do
        for f in "$pdir/$c".bad.csv; do [ -e "$f" ] && drop "$c" "$f"; done
    done
    settle
    # 2: the month's files, values, key projects and key enterprises together
    for c in $counties; do
        files=()
        for f in "$pdir/$c".csv "$pdir/$c".projects.csv "$pdir/$c".enterprises.csv; do [ -e "$f" ] && files+=("$f"); done
        [ ${#files[@]} -gt 0 ] && drop "$c" "${files[@]}"
        for f in "$pdir/$c".csv; do
            if [ -e "$f" ] && ! iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then
                # xgettext:c-format
                notes+=("$(printf "$(t "%s's file is GB18030 (Excel, Chinese locale)")" "$(county_name "$c")")")
            fi
        done
        # xgettext:c-format
        [ -e "$pdir/$c.projects.csv" ] && notes+=("$(printf "$(t "%s: key projects joined")" "$(county_name "$c")")")
    done
    n_ent=$(find "$pdir" -maxdepth 1 -name '*.enterprises.csv' | wc -l)
    # xgettext:c-format
    [ "$n_ent" -gt 0 ] && notes+=("$(printf "$(t "key enterprises (重点企业运行) joined from %s counties")" "$n_ent")")
    settle
    # 3: corrections, and one typed in 元 instead of 万元 (refused by the soft checks)
    for c in $counties; do
        for f in "$pdir/$c".rev*.csv "$pdir/$c".yuan.csv; do [ -e "$f" ] && drop "$c" "$f"; done
    done
    settle
    accepted=$(q "SELECT count(*) FROM report_history WHERE period = '$period'")
    rejected=0
    while read -r f; do
        rejected=$((rejected + 1))
        c=$(basename "$(dirname "$(dirname "$f")")"); c=${c#county-}
        # xgettext:c-format
        notes+=("$(printf "$(t "%s %s rejected: %s")" "$(county_name "$c")" "$(basename "${f%.errors.txt}")" \
            "$(sed -n '4p' "$f" | cut -d: -f3- | sed 's/^ //')")")
    done < <(find "$DEMO"/county-*/rejected -name '*.errors.txt' -newer "$DEMO/.mark" 2>/dev/null | sort)
    while read -r f; do
        c=$(basename "$(dirname "$(dirname "$f")")"); c=${c#county-}
        # xgettext:c-format
        notes+=("$(printf "$(t "%s accepted with a warning: %s")" "$(county_name "$c")" \
            "$(grep -m1 -F "$W" "$f" | sed "s/.*$W//; s/[;；].*//")")")
    done < <(grep -l -F "$W" $(find "$DEMO"/county-*/done -name '*.receipt.txt' -newer "$DEMO/.mark") /dev/null 2>/dev/null | sort)
    touch "$DEMO/.mark"
    while IFS='|' read -r zone rev; do
        # xgettext:c-format
        [ -n "$zone" ] && notes+=("$(printf "$(t "%s corrected: revision %s is current")" "$zone" "$rev")")
    done < <(q "SELECT zone, revision FROM reports WHERE period = '$period' AND revision > 1")
    reported=$(q "SELECT count(*) FROM reports WHERE period = '$period'")
    # xgettext:c-format
    [ "$reported" -lt "$n_zones" ] && notes+=("$(printf "$(t "%s zone(s) missing")" "$((n_zones - reported))")")
    printf '%-8s %-9s %-9s %s\n' "$period" "$accepted" "$rejected" "${notes[0]:-}"
    for n in "${notes[@]:1}"; do printf '%-28s %s\n' "" "$n"; done
done

say "$(t "鹤山区's June files, and what its desk officer was told")"
for f in "$DEMO"/county-410602/rejected/410602.bad.csv.errors.txt \
         "$DEMO"/county-410602/rejected/410602.yuan.csv.errors.txt \
         $(grep -l "baoshan 2017-06" "$DEMO"/county-410602/done/*.receipt.txt); do
    [ -e "$f" ] || continue
    echo "── ${f#"$DEMO"/}"
    sed 's/^/   /' "$f"
done

say "$(t "who has reported 2017-05 (山城区's report is late)")"
"$BIN/yuebao" status --period 2017-05

# Waits until the scorer has ranked every report of a period.
scored() {
    local deadline=$((SECONDS + 30)) want got
    while :; do
        want=$(q "SELECT count(*) FROM reports WHERE period = '$1'")
        got=$(sqlite3 -readonly "$DEMO/scores.db" "SELECT count(*) FROM rankings WHERE period = '$1'" 2>/dev/null || echo 0)
        [ "$want" = "$got" ] && return 0
        [ $SECONDS -lt $deadline ] || { echo "demo: the scorer did not rank $1 in 30 s" >&2; exit 1; }
        sleep 0.1
    done
}
scored 2017-06

say "$(t "the 2017-06 ranking (功效系数法; stars judged on 2016's December figures)")"
"$BIN/yuebao" ranking --period 2017-06

# xgettext:c-format
say "$(printf "$(t "alerts firing on %s: behind the year's pace, growth below target, levels short, reports overdue")" "$YUEBAO_NOW")"
"$BIN/yuebao" alerts

# --- alerts reaching people: yuebao-notify ------------------------------------------------
# It follows the scorer as a subscriber of its own. Each group's messages go to a
# receiver; here an `exec` one, examples/demo-robot.sh, writes what the 企业微信 group
# would read into a file. The root route is the central office's group; 山城区's alerts
# go to its own group too (continue = yes, then the office's catch-all). One message per
# county (group_by = county); a fifth of a second instead of minutes to wait, a tick of 0.1 s.
# The store is new, so this is a first start: what already fires is told once, as one
# summary per group, not as a flood of new alerts.
cat >"$DEMO/notify.ini" <<EOF
[notify]
master_dir = $CITY
store = $DEMO/notify.db
subscribe = $YUEBAO_SCORER_PUB
snapshot = $YUEBAO_SCORER_SNAPSHOT
control = ipc://$DEMO/notify-control.sock
key = $K/notify.key
server_key = $K/scorer.pub
tick_ms = 100

[route]
receiver = office
group_by = county
group_wait = 200ms
group_interval = 200ms
repeat_interval = 1d

[route shancheng]
match_county = 410603
receiver = shancheng
continue = yes

[route office]
receiver = office

[receiver office]
type = exec
command = $HERE/demo-robot.sh $DEMO/robot-office.txt

[receiver shancheng]
type = exec
command = $HERE/demo-robot.sh $DEMO/robot-410603.txt
EOF
YUEBAO_LOG=info "$BIN/yuebao-notify" -c "$DEMO/notify.ini" 2>"$DEMO/notify.log" &
notifier=$!
pids+=($notifier)
# messages FILE: how many messages a group has read; heard FILE N: waits for the Nth.
messages() { if [ -e "$1" ]; then grep -c '^── ' "$1" || true; else echo 0; fi; }
heard() {
    local deadline=$((SECONDS + 15))
    until [ "$(messages "$1")" -ge "$2" ]; do
        [ $SECONDS -lt $deadline ] || {
            echo "demo: $1 has $(messages "$1") message(s) of yuebao-notify, not $2, after 15 s:" >&2
            cat "$1" "$DEMO/notify.log" >&2 2>/dev/null; exit 1; }
        sleep 0.1
    done
}
# the first start's summaries: one per county with an alert firing, 山城区's in both groups
n_office=$(sqlite3 -readonly "$DEMO/scores.db" "SELECT count(DISTINCT county) FROM alerts")
n_shancheng=$(sqlite3 -readonly "$DEMO/scores.db" "SELECT count(*) > 0 FROM alerts WHERE county = '410603'")
heard "$DEMO/robot-office.txt" "$n_office"
heard "$DEMO/robot-410603.txt" "$n_shancheng"

say "$(t "山城区's late May report arrives in July; 山城区's desk follows its own alerts, the central office watches")"
"$BIN/yuebao" alerts --follow --county 410603 >"$DEMO/follow-410603.txt" 2>"$DEMO/follow-410603.err" &
follower=$!
pids+=($follower)
"$BIN/yuebao" watch --period 2017-05 >"$DEMO/watch-2017-05.txt" 2>"$DEMO/watch-2017-05.err" &
watcher=$!
pids+=($watcher)
for _ in $(seq 50); do [ -s "$DEMO/follow-410603.txt" ] && [ -s "$DEMO/watch-2017-05.txt" ] && break; sleep 0.1; done
drop 410603 "$CITY/late/2017-05/410603.csv"
settle
resolved="$(t RESOLVED).*$(t overdue)"
for _ in $(seq 100); do grep -q "$resolved" "$DEMO/follow-410603.txt" && break; sleep 0.1; done
grep -q "$resolved" "$DEMO/follow-410603.txt" ||
    { echo "demo: the overdue alert did not resolve:" >&2; cat "$DEMO/follow-410603.txt" "$DEMO/follow-410603.err" >&2; exit 1; }
for _ in $(seq 50); do grep -qE "totals 2017-05 city: 8 of 8|汇总 2017-05 全市：8/8" "$DEMO/watch-2017-05.txt" && break; sleep 0.1; done
# yuebao-notify tells both groups that 山城区's overdue report is in (已解除 … 月报已报送)
heard "$DEMO/robot-office.txt" $((n_office + 1))
heard "$DEMO/robot-410603.txt" $((n_shancheng + 1))
for f in "$DEMO/robot-office.txt" "$DEMO/robot-410603.txt"; do
    grep -q '逾期 2017-05 月报已报送' "$f" ||
        { echo "demo: $f does not tell that 山城区's overdue alert was resolved:" >&2; cat "$f" >&2; exit 1; }
done
# its part is told: it stops (about a second) while the demo goes on; cleanup waits for it
kill "$notifier" 2>/dev/null || true
kill "$follower" "$watcher" 2>/dev/null || true
wait "$follower" "$watcher" 2>/dev/null || true
t "what 山城区's follower printed (its firing alerts, then the transitions as they came):"; echo
sed 's/^/   /' "$DEMO/follow-410603.txt"
t "what the central office's \`yuebao watch --period 2017-05\` printed after its screen (into a file: plain lines):"; echo
grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} ' "$DEMO/watch-2017-05.txt" | sed 's/^/   /'
# xgettext:c-format
printf "$(t "what the central office's 企业微信 group read (yuebao-notify writes its messages in Chinese; the texts in %s): on its first start one summary per county, then 山城区's change:")\n" "$DEMO/robot-office.txt"
sed -n 's/^── /   ── /p' "$DEMO/robot-office.txt"
t "what 山城区's 企业微信 group read:"; echo
sed 's/^./   &/' "$DEMO/robot-410603.txt"
t "(while 山城区's May report was overdue, yuebao-notify held back its zone's target alerts: an overdue report mutes them; with May in, they are told, beside the resolved overdue)"; echo

# xgettext:c-format
say "$(printf "$(t "every zone's 2017-05 report now, and the overdue list (the demo replays all history on %s, so all of May came after its deadline)")" "$YUEBAO_NOW")"
"$BIN/yuebao" status --period 2017-05

# --- approving and publishing May (核准, 发布) ----------------------------------------------
# zhangsan of the 统计局 holds the key listed in approver_keys; the aggregator's control
# endpoint (YUEBAO_AGGREGATOR_CONTROL) takes the signed requests and stores who did what.
say "$(t "the 统计局 approves 2017-05 (核准) and publishes it (发布): zhangsan's key is listed in approver_keys")"
YUEBAO_KEY=$K/zhangsan.key "$BIN/yuebao" approve --period 2017-05 --comment "$(t "checked against the county files: all 8 zones in")"
YUEBAO_KEY=$K/zhangsan.key "$BIN/yuebao" publish --period 2017-05 --comment "$(t "agreed by the city government")"
# the scorer freezes the published ranking (version 1) when it hears of it
for _ in $(seq 100); do
    [ "$(sqlite3 -readonly "$DEMO/scores.db" "SELECT count(*) FROM published_periods WHERE period = '2017-05'" 2>/dev/null)" = 1 ] && break
    sleep 0.1
done
[ "$(sqlite3 -readonly "$DEMO/scores.db" "SELECT count(*) FROM published_periods WHERE period = '2017-05'")" = 1 ] ||
    { echo "demo: the scorer did not freeze the published 2017-05 ranking in 10 s:" >&2; cat "$DEMO/scorer.log" >&2; exit 1; }
"$BIN/yuebao" ranking --period 2017-05
# status's state line: "state: published, by zhangsan on …" (状态：… in Chinese)
"$BIN/yuebao" status --period 2017-05 | grep -E '^(state: |状态：)'

# A correction after approval is refused, with who approved it and when; the collector
# settles it as REJECTED and does not send it again (unlocking is the 统计局's call).
say "$(t "淇县 sends a correction of May after it was published: REJECTED, and what its desk officer was told")"
drop 410622 "$CITY/late/2017-05/410622.rev2.csv"
settle
errors=$DEMO/county-410622/rejected/410622.rev2.csv.errors.txt
for _ in $(seq 100); do [ -e "$errors" ] && break; sleep 0.1; done
[ -e "$errors" ] || { echo "demo: 淇县's correction of 2017-05 was not rejected:" >&2; ls -R "$DEMO/county-410622" >&2;
                      cat "$DEMO/county-410622/collector.log" >&2; exit 1; }
echo "── ${errors#"$DEMO"/}"
sed 's/^/   /' "$errors"
# the collector's outbox: the file marked rejected, nothing of it left to send
ob() { sqlite3 -readonly "$DEMO/county-410622/outbox.db" "$1"; }
# (the file is in rejected/ a moment before the outbox says so)
settled_rejected() {
    [ "$(ob "SELECT state FROM sources WHERE name = '410622.rev2.csv' ORDER BY id DESC LIMIT 1" 2>/dev/null)" = rejected ] &&
        [ "$(ob "SELECT count(*) FROM outbox WHERE settled = 0" 2>/dev/null)" = 0 ]
}
for _ in $(seq 100); do settled_rejected && break; sleep 0.1; done
settled_rejected ||
    { echo "demo: 淇县's collector did not settle its correction as rejected in 10 s:" >&2; ob "SELECT * FROM sources" >&2; exit 1; }
t "淇县's collector does not send it again: its outbox marks the file rejected and holds nothing to retry"; echo
# xgettext:c-format
printf "$(t "the store still has 淇县's 2017-05 as revision %s")\n" "$(q "SELECT revision FROM reports WHERE period = '2017-05' AND zone = 'heqi'")"

say "$(t "the central office's live view of 2017-06 (yuebao watch; on a terminal it redraws in place)")"
"$BIN/yuebao" watch --period 2017-06 --once

# xgettext:c-format
say "$(printf "$(t "the 2017-06 bulletin (主要指标完成情况通报): %s (to print) and .csv")" "$DEMO/bulletin-2017-06.xlsx")"
"$BIN/yuebao" export --period 2017-06 --format xlsx -o "$DEMO/bulletin-2017-06.xlsx"
"$BIN/yuebao" export --period 2017-06 -o "$DEMO/bulletin-2017-06.csv"
t "laggards (a pace gap below -5 points, or the last three places), from the csv's 备注 column:"; echo
tr -d '\r' <"$DEMO/bulletin-2017-06.csv" | awk -F, '$NF ~ /落后/ { print "   " $3 " — " $NF }'

say "$(t "浚县's monthly template for 2017-06 (yuebao template): the workbook its desk fills in Excel")"
"$BIN/yuebao" template --county 浚县 --period 2017-06 -o "$DEMO/410621-2017-06.xlsx"

# --- the browser: yuebao-web on loopback ----------------------------------------------
say "$(t "the central office's dashboard in the browser (yuebao-web): accounts, the overview's figures, a county's limits")"
WEB_PASSWORD=Hebi-demo-2017
printf '%s\n' "$WEB_PASSWORD" | "$BIN/yuebao" user add demo --role central --users "$DEMO/web-users"
printf '%s\n' "$WEB_PASSWORD" | "$BIN/yuebao" user add shancheng --role county:410603 --users "$DEMO/web-users"
"$BIN/yuebao" user list --users "$DEMO/web-users"
# plain HTTP on 127.0.0.1 only (--insecure); the publishers over CURVE with its own key
YUEBAO_LOG=info "$BIN/yuebao-web" --insecure --set listen=127.0.0.1:0 --set users="$DEMO/web-users" \
    --set audit="$DEMO/web-audit.log" --set assets="$(cd "$BIN/.." && pwd)/web/assets" --set cli="$BIN/yuebao" \
    --set store="$DEMO/reports.db" --set scores="$DEMO/scores.db" --set master="$CITY" \
    --set aggregator_pub="$YUEBAO_AGGREGATOR_PUB" --set aggregator_snapshot="$YUEBAO_AGGREGATOR_SNAPSHOT" \
    --set scorer_pub="$YUEBAO_SCORER_PUB" --set scorer_snapshot="$YUEBAO_SCORER_SNAPSHOT" \
    --set key="$K/web.key" --set aggregator_key="$K/aggregator.pub" --set scorer_key="$K/scorer.pub" \
    2>"$DEMO/web.log" &
pids+=($!)
URL=
for _ in $(seq 100); do URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$DEMO/web.log" 2>/dev/null | head -1) && [ -n "$URL" ] && break; sleep 0.1; done
[ -n "$URL" ] || { echo "demo: yuebao-web did not start:" >&2; cat "$DEMO/web.log" >&2; exit 1; }
# a browser as far as HTTP goes: the login form's token, then the session cookie
web_login() { # NAME JAR
    local token
    token=$(curl -s -c "$2" -b "$2" "$URL/login" | grep -o 'name="csrf" value="[0-9a-f]*' | tail -1 | sed 's/.*value="//')
    curl -s -o /dev/null -w '%{http_code}' -c "$2" -b "$2" --data "csrf=$token&name=$1&password=$WEB_PASSWORD" "$URL/login"
}
[ "$(web_login demo "$DEMO/demo.jar")" = 303 ] || { echo "demo: the demo account cannot log in:" >&2; tail "$DEMO/web.log" >&2; exit 1; }
web_revenue=$(curl -s -b "$DEMO/demo.jar" "$URL/api/overview?period=2017-06" | grep -o '"indicator":"revenue"[^}]*"amount":[0-9.]*' | sed 's/.*"amount"://')
store_revenue=$(q "SELECT printf('%.1f', sum(amount)) FROM report_values WHERE period = '2017-06' AND indicator = 'revenue'")
# xgettext:c-format
printf "$(t "2017-06 city revenue on the overview page: %s 万元; in the report store: %s 万元")\n" "$web_revenue" "$store_revenue"
[ "$(printf '%.1f' "$web_revenue")" = "$store_revenue" ] || { echo "demo: the page and the store disagree" >&2; exit 1; }
[ "$(web_login shancheng "$DEMO/county.jar")" = 303 ] || { echo "demo: 山城区's account cannot log in" >&2; exit 1; }
# xgettext:c-format
printf "$(t "山城区's account asks for 宝山's page: HTTP %s (its own county's zones only)")\n" \
    "$(curl -s -o /dev/null -w '%{http_code}' -b "$DEMO/county.jar" "$URL/api/zone/baoshan")"
# xgettext:c-format
printf "$(t "open %s in a browser and log in as demo / %s (or shancheng, 山城区's county account)")\n" "$URL" "$WEB_PASSWORD"
if [ -t 0 ] && [ -t 1 ]; then
    read -r -p "$(t "press Enter to stop the demo (yuebao-web and the daemons) ")" _ || true
fi

cleanup
trap - EXIT
pids=()
# xgettext:c-format
say "$(printf "$(t "done: all processes stopped; the store and receipts stay in %s")" "$DEMO")"
