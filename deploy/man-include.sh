#!/bin/sh
# man-include.sh - what help2man adds to a program's --help and --version in its man
# page (make man): for yuebao, a COMMANDS section with each command's own help, asked
# of the program itself (`yuebao __complete`, `yuebao help CMD`), so the page says what
# the installed version takes; for every program, SEE ALSO. Prints help2man's include
# format on stdout.
#
# Usage: man-include.sh PROGRAM     (the built program's path, e.g. build/bin/yuebao)
set -eu
[ $# -eq 1 ] || { echo "usage: man-include.sh PROGRAM" >&2; exit 2; }
prog=$1
name=${prog##*/}

# Text for roff: a backslash doubled, a line starting with . or ' kept as text.
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

if [ "$name" = yuebao ]; then
    echo "[COMMANDS]"
    for cmd in $(LC_ALL=C.UTF-8 "$prog" __complete | grep -vx help); do
        echo ".SS $cmd"
        echo ".nf"
        LC_ALL=C.UTF-8 "$prog" help "$cmd" | roff
        echo ".fi"
    done
fi
echo "[SEE ALSO]"
see=""
for p in yuebao yuebao-aggregator yuebao-collector yuebao-scorer; do
    [ "$p" = "$name" ] || see="$see${see:+, }.BR $p (1)"
done
echo "$see" | sed 's/, /,\n/g'
echo ".PP"
echo "The operator's guide, docs/operations.md (installed as /usr/local/share/doc/yuebao/operations.md)."
