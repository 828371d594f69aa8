#!/bin/bash
# fake_check.sh - runs web_browser.mjs against fake_server.mjs: the pages as web_page.c
# writes them (in Chinese), the real assets, fixture.json's data; at READY-FOR-CHANGE a
# late report of 殷都区 arrives. For checking the browser side without the real server.
#   tests/browser/fake_check.sh [SHOTS_DIR]     (from the top of the tree)
set -eu
build=${BUILD:-build}
shots=${1:-$build/tests/browser/shots}
tmp=$(mktemp -d)
server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
make -s "$build/tests/browser/dump_pages" "$build/locale/zh_CN/LC_MESSAGES/yuebao.mo" node_modules/.stamp
mkdir "$tmp/pages"
YUEBAO_LOCALEDIR=$PWD/$build/locale LANG=zh_CN.UTF-8 LANGUAGE=zh_CN "$build/tests/browser/dump_pages" "$tmp/pages"
node tests/browser/fake_server.mjs "$tmp/pages" 0 >"$tmp/server.out" &
server=$!
for _ in $(seq 50); do grep -q LISTENING "$tmp/server.out" && break; sleep 0.1; done
base=$(sed -n 's/^LISTENING //p' "$tmp/server.out")
[ -n "$base" ] || { echo "the fake server did not start" >&2; exit 2; }
coproc WEB { exec node tests/browser/web_browser.mjs "$base" zhang secret-pass-1 "$shots" tests/browser/fake_expect.json; }
web=$WEB_PID
while IFS= read -r line <&"${WEB[0]}"; do
    echo "$line"
    if [ "$line" = READY-FOR-CHANGE ]; then
        curl -s -X POST "$base/__fake/report?county=410605" >/dev/null
        echo go >&"${WEB[1]}"
    fi
done
rc=0
wait "$web" || rc=$?
exit $rc
