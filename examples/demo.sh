#!/usr/bin/env bash
# demo.sh - the sample city end to end: one aggregator, one collector per county, the
# county files of 2016-02 … 2017-06 dropped into the collectors' inboxes month by
# month, then what the central office sees. Usage: examples/demo.sh BIN_DIR
# Leaves its folder (store, outboxes, receipts) in build/demo for a look afterwards;
# leaves no process running.
set -euo pipefail

BIN=${1:?usage: demo.sh BIN_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
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
# county each key may report for. The scorer and the analyst's CLI are subscribers.
K=$DEMO/keys
mkdir -p "$K"
pubkey() { grep -v '^#' "$K/$1.pub"; }
for name in aggregator scorer analyst $(printf 'county-%s ' $counties); do
    "$BIN/yuebao" keygen "$K/$name" >/dev/null
done
for c in $counties; do echo "$(pubkey "county-$c") $c $(county_name "$c") desk"; done >"$K/authorized_keys"
{ echo "$(pubkey scorer) scorer"; echo "$(pubkey analyst) analyst central office"; } >"$K/subscriber_keys"
export YUEBAO_KEY=$K/analyst.key YUEBAO_SERVER_KEY=$K/scorer.pub YUEBAO_AGGREGATOR_KEY=$K/aggregator.pub
export YUEBAO_AGGREGATOR_PUB=ipc://$DEMO/events.sock YUEBAO_AGGREGATOR_SNAPSHOT=ipc://$DEMO/agg-snapshot.sock

# --- the central office -----------------------------------------------------------------
YUEBAO_LOG=info "$BIN/yuebao-aggregator" --set master_dir="$CITY" --set store="$DEMO/reports.db" \
    --set listen="ipc://$DEMO/aggregator.sock" --set publish="$YUEBAO_AGGREGATOR_PUB" \
    --set snapshot="$YUEBAO_AGGREGATOR_SNAPSHOT" --set key="$K/aggregator.key" --set authorized_keys="$K/authorized_keys" \
    --set subscriber_keys="$K/subscriber_keys" 2>"$DEMO/aggregator.log" &
pids+=($!)
for _ in $(seq 100); do grep -q "ready:" "$DEMO/aggregator.log" 2>/dev/null && break; sleep 0.1; done
grep -q "ready:" "$DEMO/aggregator.log" || { echo "demo: the aggregator did not start:" >&2; cat "$DEMO/aggregator.log" >&2; exit 1; }
# The scorer subscribes to the aggregator's events and ranks each period as it fills in.
YUEBAO_LOG=info "$BIN/yuebao-scorer" --set master_dir="$CITY" --set store="$DEMO/reports.db" \
    --set scores="$DEMO/scores.db" --set events="ipc://$DEMO/events.sock" \
    --set publish="$YUEBAO_SCORER_PUB" --set snapshot="$YUEBAO_SCORER_SNAPSHOT" \
    --set key="$K/scorer.key" --set events_server_key="$K/aggregator.pub" \
    --set subscriber_keys="$K/subscriber_keys" --set reporting_since=2017-02 2>"$DEMO/scorer.log" &
pids+=($!)
for _ in $(seq 100); do grep -q "ready:" "$DEMO/scorer.log" 2>/dev/null && break; sleep 0.1; done
grep -q "ready:" "$DEMO/scorer.log" || { echo "demo: the scorer did not start:" >&2; cat "$DEMO/scorer.log" >&2; exit 1; }

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

say "yuebao demo: the sample city, 8 zones in 7 reporting units, 2016-02 … 2017-06"
echo "store: $DEMO/reports.db   (each county's inbox, done/ and rejected/ under $DEMO/county-*)"
echo "CURVE on every link: $(grep -c . "$K/authorized_keys") county keys in $K/authorized_keys, $(grep -c . "$K/subscriber_keys") subscribers"
printf '\n%-8s %-9s %-9s %s\n' period accepted rejected notes
touch "$DEMO/.mark"
for pdir in "$CITY"/reports/*/; do
    period=$(basename "$pdir")
    notes=()
    # 1: files with mistakes go first, as a desk officer's first try would
    for c in $counties; do
        for f in "$pdir/$c".bad.csv; do [ -e "$f" ] && drop "$c" "$f"; done
    done
    settle
    # 2: the month's files, values and key projects together
    for c in $counties; do
        files=()
        for f in "$pdir/$c".csv "$pdir/$c".projects.csv; do [ -e "$f" ] && files+=("$f"); done
        [ ${#files[@]} -gt 0 ] && drop "$c" "${files[@]}"
        for f in "$pdir/$c".csv; do
            if [ -e "$f" ] && ! iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then
                notes+=("$(county_name "$c")'s file is GB18030 (Excel, Chinese locale)")
            fi
        done
        [ -e "$pdir/$c.projects.csv" ] && notes+=("$(county_name "$c"): key projects joined")
    done
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
        notes+=("$(county_name "$c") $(basename "${f%.errors.txt}") rejected: $(sed -n '4p' "$f" | cut -d: -f3- | sed 's/^ //')")
    done < <(find "$DEMO"/county-*/rejected -name '*.errors.txt' -newer "$DEMO/.mark" 2>/dev/null | sort)
    while read -r f; do
        c=$(basename "$(dirname "$(dirname "$f")")"); c=${c#county-}
        notes+=("$(county_name "$c") accepted with a warning: $(grep -m1 'warning:' "$f" | sed 's/.*warning: //' | cut -d';' -f1)")
    done < <(grep -l 'warning:' $(find "$DEMO"/county-*/done -name '*.receipt.txt' -newer "$DEMO/.mark") /dev/null 2>/dev/null | sort)
    touch "$DEMO/.mark"
    while IFS='|' read -r zone rev; do
        [ -n "$zone" ] && notes+=("$zone corrected: revision $rev is current")
    done < <(q "SELECT zone, revision FROM reports WHERE period = '$period' AND revision > 1")
    reported=$(q "SELECT count(*) FROM reports WHERE period = '$period'")
    [ "$reported" -lt "$n_zones" ] && notes+=("$((n_zones - reported)) zone(s) missing")
    printf '%-8s %-9s %-9s %s\n' "$period" "$accepted" "$rejected" "${notes[0]:-}"
    for n in "${notes[@]:1}"; do printf '%-28s %s\n' "" "$n"; done
done

say "鹤山区's June files, and what its desk officer was told"
for f in "$DEMO"/county-410602/rejected/410602.bad.csv.errors.txt \
         "$DEMO"/county-410602/rejected/410602.yuan.csv.errors.txt \
         $(grep -l "baoshan 2017-06" "$DEMO"/county-410602/done/*.receipt.txt); do
    [ -e "$f" ] || continue
    echo "── ${f#"$DEMO"/}"
    sed 's/^/   /' "$f"
done

say "who has reported 2017-05 (山城区's report is late)"
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

say "the 2017-06 ranking (功效系数法; stars judged on 2016's December figures)"
"$BIN/yuebao" ranking --period 2017-06

say "alerts firing on $YUEBAO_NOW: behind the year's pace, growth below target, levels short, reports overdue"
"$BIN/yuebao" alerts

say "山城区's late May report arrives in July; 山城区's desk follows its own alerts, the central office watches"
"$BIN/yuebao" alerts --follow --county 410603 >"$DEMO/follow-410603.txt" 2>"$DEMO/follow-410603.err" &
follower=$!
pids+=($follower)
"$BIN/yuebao" watch --period 2017-05 >"$DEMO/watch-2017-05.txt" 2>"$DEMO/watch-2017-05.err" &
watcher=$!
pids+=($watcher)
for _ in $(seq 50); do [ -s "$DEMO/follow-410603.txt" ] && [ -s "$DEMO/watch-2017-05.txt" ] && break; sleep 0.1; done
drop 410603 "$CITY/late/2017-05/410603.csv"
settle
for _ in $(seq 100); do grep -q "RESOLVED.*overdue" "$DEMO/follow-410603.txt" && break; sleep 0.1; done
grep -q "RESOLVED.*overdue" "$DEMO/follow-410603.txt" ||
    { echo "demo: the overdue alert did not resolve:" >&2; cat "$DEMO/follow-410603.txt" "$DEMO/follow-410603.err" >&2; exit 1; }
for _ in $(seq 50); do grep -q "totals 2017-05 city: 8 of 8" "$DEMO/watch-2017-05.txt" && break; sleep 0.1; done
kill "$follower" "$watcher" 2>/dev/null || true
wait "$follower" "$watcher" 2>/dev/null || true
echo "what 山城区's follower printed (its firing alerts, then the transitions as they came):"
sed 's/^/   /' "$DEMO/follow-410603.txt"
echo "what the central office's \`yuebao watch --period 2017-05\` printed after its screen (into a file: plain lines):"
grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} ' "$DEMO/watch-2017-05.txt" | sed 's/^/   /'

say "every zone's 2017-05 report now, and the overdue list (the demo replays all history on $YUEBAO_NOW, so all of May came after its deadline)"
"$BIN/yuebao" status --period 2017-05

say "the central office's live view of 2017-06 (yuebao watch; on a terminal it redraws in place)"
"$BIN/yuebao" watch --period 2017-06 --once

say "the 2017-06 bulletin (主要指标完成情况通报): $DEMO/bulletin-2017-06.xlsx (to print) and .csv"
"$BIN/yuebao" export --period 2017-06 --format xlsx -o "$DEMO/bulletin-2017-06.xlsx"
"$BIN/yuebao" export --period 2017-06 -o "$DEMO/bulletin-2017-06.csv"
echo "laggards (a pace gap below -5 points, or the last three places), from the csv's 备注 column:"
tr -d '\r' <"$DEMO/bulletin-2017-06.csv" | awk -F, '$NF ~ /落后/ { print "   " $3 " — " $NF }'

say "浚县's monthly template for 2017-06 (yuebao template): the workbook its desk fills in Excel"
"$BIN/yuebao" template --county 浚县 --period 2017-06 -o "$DEMO/410621-2017-06.xlsx"

cleanup
trap - EXIT
pids=()
say "done: all processes stopped; the store and receipts stay in $DEMO"
