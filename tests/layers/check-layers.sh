#!/bin/sh
# check-layers.sh - the include rules that keep the tree in layers, checked on the sources:
#
#   util/        mechanism: includes only util/ headers (no common/, no daemon, no wire
#                format) - it knows nothing of reports, zones or periods;
#   common/      the domain and its adapters: util/ and common/ headers, never a daemon's;
#   a daemon     (aggregator/ collector/ scorer/ cli/): util/, common/ and its own folder,
#                never another daemon's header.
#
# Usage: check-layers.sh [ROOT]      checks ROOT (default: .), prints each breach, exits 1
#        check-layers.sh --self-test  shows on a scratch copy that a breach is caught
set -u

DAEMONS="aggregator collector scorer notify cli"

# Prints "file:line: header" for every #include "header" in the given folder's files.
includes() {
    for f in "$1"/*.c "$1"/*.h; do
        [ -f "$f" ] || continue
        grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
            sed "s|^\([0-9]*\):.*\"\(.*\)\".*|$f:\1: \2|"
    done
}

# Succeeds if header $3 names a file in folder $2 of root $1; a header with a path in
# it ("../collector/collector.h") never does: reaching across folders is the breach.
in_dir() {
    case $3 in */*) return 1 ;; esac
    [ -f "$1/$2/$3" ]
}

check() {
    root=$1 bad=0
    includes "$root/util" > "$tmp"
    while IFS= read -r line; do
        h=${line##* }
        in_dir "$root" util "$h" && continue
        echo "layers: ${line#$root/}: util/ may include only util/ headers" >&2; bad=1
    done < "$tmp"
    includes "$root/common" > "$tmp"
    while IFS= read -r line; do
        h=${line##* }
        in_dir "$root" util "$h" || in_dir "$root" common "$h" || [ "$h" = yuebao.pb-c.h ] && continue
        echo "layers: ${line#$root/}: common/ may include only util/ and common/ headers" >&2; bad=1
    done < "$tmp"
    for d in $DAEMONS; do
        includes "$root/$d" > "$tmp"
        while IFS= read -r line; do
            h=${line##* }
            in_dir "$root" util "$h" || in_dir "$root" common "$h" || in_dir "$root" "$d" "$h" ||
                [ "$h" = yuebao.pb-c.h ] && continue
            echo "layers: ${line#$root/}: $d/ may not include $h (another daemon's, or unknown)" >&2; bad=1
        done < "$tmp"
    done
    return $bad
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

if [ "${1:-}" = --self-test ]; then
    scratch=$(mktemp -d)
    trap 'rm -f "$tmp"; rm -rf "$scratch"' EXIT
    for d in util common $DAEMONS; do mkdir -p "$scratch/$d"; cp "$d"/*.[ch] "$scratch/$d/"; done
    check "$scratch" || { echo "layers: self-test: the tree itself breaks the rules" >&2; exit 1; }
    printf '#include "period.h"\n' >> "$scratch/util/loop.c"
    if check "$scratch" 2>/dev/null; then
        echo "layers: self-test: util/loop.c including period.h went unnoticed" >&2; exit 1
    fi
    sed -i '$d' "$scratch/util/loop.c"
    printf '#include "aggregator.h"\n' >> "$scratch/scorer/scorer.c"
    if check "$scratch" 2>/dev/null; then
        echo "layers: self-test: scorer/ including aggregator.h went unnoticed" >&2; exit 1
    fi
    sed -i '$d' "$scratch/scorer/scorer.c"
    printf '#include "../collector/collector.h"\n' >> "$scratch/cli/cli_check.c"
    if check "$scratch" 2>/dev/null; then
        echo "layers: self-test: cli/ including ../collector/collector.h went unnoticed" >&2; exit 1
    fi
    echo "layers: self-test: util/ including period.h, a daemon including another's header, by name or by path, all caught"
    exit 0
fi

root=${1:-.}
check "$root" || exit 1
echo "layers: util/ < common/ < daemons: every include in order"
