#!/bin/sh
# demo-robot.sh FILE - a stand-in for a 企业微信 group robot, for examples/demo.sh: the
# command of an `exec` receiver of yuebao-notify. It appends what the group would read
# to FILE: a "── " line with the message's title (YUEBAO_TITLE), then its text
# (YUEBAO_TEXT, which begins with the title too: that line is left out), in one write.
# The webhook JSON on stdin (notify/receiver_exec.c) is read and left. Exit 0: delivered.
set -eu
out=${1:?usage: demo-robot.sh FILE}
cat >/dev/null
title=${YUEBAO_TITLE:-}
text=${YUEBAO_TEXT:-}
case $text in
"$title"*) text=${text#"$title"} ;;
esac
nl='
'
while :; do case $text in "$nl"*) text=${text#"$nl"} ;; *) break ;; esac; done
while :; do case $text in *"$nl") text=${text%"$nl"} ;; *) break ;; esac; done
printf '── %s\n%s\n\n' "$title" "$text" >>"$out"
