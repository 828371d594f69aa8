#!/bin/bash
# check-i18n.sh - every message a person reads is marked for translation and has its
# zh_CN entry, and the catalogue is well-formed:
#
#   (a) msgfmt --check on po/zh_CN.po: a translation whose printf directives differ
#       from its msgid's fails (it would print garbage, or crash);
#   (b) every msgid xgettext extracts from the sources (_(), N_(), ngettext) has a
#       non-empty, non-fuzzy msgstr in po/zh_CN.po;
#   (c) no string literal with words in it is handed unmarked to something that prints
#       or carries a message: printf, fprintf, dprintf, puts, fputs, snprintf, log_info,
#       log_warn, log_error, log_fatal, log_msg, the collector's start_fail, diag_add,
#       diag_add_cell, codec_fail, the parsers' own fail(), fault(), fail_row(), report_at()
#       and note_change() (county_table.c), and the help line of a row of a
#       configuration table (TEXT, NUMBER, BOOL, DEPRECATED, CONFIG_*). Literals that are
#       not messages (paths, SQL, wire and CSV names, formats of data) are listed in
#       tests/i18n/allow.txt, each with its reason.
#       log_debug is not checked: debug lines stay English.
#
# What (c) cannot see: a literal chosen by ?: (only the first is extracted), one passed
# as a %s argument, one kept in a variable or table before printing. Those are marked by
# hand (N_() where written, _() where shown) and reviewed; (b) then holds them to a
# translation.
#
# Usage: check-i18n.sh [ROOT]        checks ROOT (default .), lists each finding as
#                                    FILE:LINE: "literal": what to do; exits 1 on any
#        check-i18n.sh --pot OUT     writes the template of the sources (make pot)
#        check-i18n.sh --self-test   shows on a scratch copy that each check catches
set -u

LANGUAGES="zh_CN"
# The sources: every C file of the layers; a new file is checked without being listed.
src_files() { (cd "$1" && ls util/*.[ch] common/*.[ch] aggregator/*.[ch] collector/*.[ch] scorer/*.[ch] notify/*.[ch] cli/*.[ch] web/*.[ch] 2>/dev/null); }

# The template: what _() N_() ngettext() C_() mark in the C sources, and t "…" marks in
# the demo's script (its narration is in the catalogue too).
SCRIPTS="examples/demo.sh"
make_pot() { # ROOT OUT
    (cd "$1" && src_files . | xgettext --files-from=- --from-code=UTF-8 --language=C --no-wrap \
        --force-po --sort-by-file --keyword= --keyword=_ --keyword=N_ --keyword=gettext --keyword=ngettext:1,2 \
        --keyword=C_:1c,2 --add-comments=TRANSLATORS: --package-name=yuebao --msgid-bugs-address=- \
        --copyright-holder="the yuebao authors" -o "$2" &&
        xgettext --join-existing --from-code=UTF-8 --language=Shell --no-wrap --sort-by-file --keyword= \
            --keyword=t -o "$2" $SCRIPTS)
}

# The literals handed to a printing or message-carrying function, unmarked.
SINKS="printf:1 fprintf:2 dprintf:2 puts:1 fputs:1 snprintf:3 vsnprintf:3 log_info:1 log_warn:1
       log_error:1 log_fatal:1 log_msg:2 start_fail:1 diag_add:6 diag_add_cell:6 codec_fail:3 fail:4 fault:2
       report_at:6 note_change:5 fail_row:3
       TEXT:5 NUMBER:6 BOOL:3 DEPRECATED:6 CONFIG_TEXT:7 CONFIG_NUMBER:8 CONFIG_BOOL:5 CONFIG_DEPRECATED:9"
make_sinks() { # ROOT OUT
    local kw=""
    for s in $SINKS; do kw="$kw --keyword=$s"; done
    # shellcheck disable=SC2086
    (cd "$1" && src_files . | xgettext --files-from=- --from-code=UTF-8 --language=C --no-wrap \
        --force-po --keyword= $kw -o "$2" 2>/dev/null)
}

# Reads a .po/.pot on stdin; prints "REF<TAB>MSGID" per reference of each entry (MSGID
# in PO escapes, one line), or with $1 = untranslated: only entries lacking a msgstr.
PO_ENTRIES='
    my ($mode) = @ARGV; my (@refs, @strs, $id, $fuzzy, $cur, $obsolete);
    sub flush {
        if (defined $id && $id ne "" && !$obsolete) {
            # untranslated: no msgstr, or an empty one (every plural form counts), or fuzzy
            my $bad = !@strs || (grep { $_ eq "" } @strs) || $fuzzy;
            if ($mode ne "untranslated" || $bad) { print "$_\t$id\n" for (@refs ? @refs : ("?")); }
        }
        @refs = (); @strs = (); $id = undef; $fuzzy = 0; $cur = ""; $obsolete = 0;
    }
    while (<STDIN>) {
        chomp;
        if (/^\s*$/) { flush(); next; }
        if (/^#~/) { $obsolete = 1; next; }
        if (/^#: (.*)/) { push @refs, split " ", $1; next; }
        if (/^#,.*\bfuzzy\b/) { $fuzzy = 1; next; }
        next if /^#/;
        if (/^msgid "(.*)"$/) { $id = $1; $cur = "id"; next; }
        if (/^msgid_plural "(.*)"$/) { $cur = "plural"; next; }
        if (/^msgstr(?:\[\d+\])? "(.*)"$/) { push @strs, $1; $cur = "str"; next; }
        if (/^"(.*)"$/) {
            if ($cur eq "id") { $id .= $1 } elsif ($cur eq "str") { $strs[-1] .= $1 }
            next;
        }
    }
    flush();
'
po_entries() { perl -e "$PO_ENTRIES" -- "${1:-all}"; }

# True for a literal with English words in it: two ASCII letters in a row once printf
# directives and escapes are gone (Chinese text is already in its reader's language).
WORDY='
    while (<STDIN>) {
        chomp; my ($ref, $id) = split /\t/, $_, 2; my $t = $id;
        $t =~ s/%(?:\d+\$)?[-+ #0\x27]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|j|z|t|L)?[diouxXeEfFgGaAcspn%]//g;
        $t =~ s/%(?:PRI|SCN)\w+//g; $t =~ s/\\[ntr"\\]//g; $t =~ s/\\[0-7]{1,3}//g;
        print "$ref\t$id\n" if $t =~ /[A-Za-z]{2}/;
    }
'

check() { # ROOT: prints the findings, returns 1 if any
    local root=$1 bad=0 lang po n
    local work; work=$(mktemp -d)
    # (a) the catalogues are well-formed, formats matching
    for lang in $LANGUAGES; do
        po="$root/po/$lang.po"
        if [ ! -f "$po" ]; then
            echo "i18n: po/$lang.po is missing" >&2; bad=1; continue
        fi
        if ! msgfmt --check -o /dev/null "$po" 2>"$work/msgfmt"; then
            sed "s|^$root/||; s|^|i18n: |" "$work/msgfmt" >&2; bad=1
        fi
    done
    # (b) every marked message translated
    if ! make_pot "$root" "$work/yuebao.pot" 2>"$work/xgettext"; then
        sed 's/^/i18n: /' "$work/xgettext" >&2; rm -rf "$work"; return 1
    fi
    for lang in $LANGUAGES; do
        po="$root/po/$lang.po"
        [ -f "$po" ] || continue
        msgmerge --quiet --force-po --no-fuzzy-matching --no-wrap -o "$work/$lang.merged" "$po" "$work/yuebao.pot" 2>/dev/null ||
            { echo "i18n: msgmerge of po/$lang.po failed" >&2; bad=1; continue; }
        po_entries untranslated <"$work/$lang.merged" | sort -t: -k1,1 -k2,2n >"$work/untr"
        if [ -s "$work/untr" ]; then
            n=$(cut -f2 "$work/untr" | sort -u | wc -l)
            awk -F'\t' -v l="$lang" '{ printf "i18n: %s: \"%s\": no %s translation (make po-update, then fill msgstr in po/%s.po)\n", $1, $2, l, l }' \
                "$work/untr" >&2
            echo "i18n: $n message(s) without a $lang translation" >&2; bad=1
        fi
    done
    # (c) no unmarked literal at a sink
    make_sinks "$root" "$work/sinks.pot"
    po_entries all <"$work/sinks.pot" | perl -e "$WORDY" | sort -t: -k1,1 -k2,2n >"$work/wordy"
    # allow.txt: FILE "MSGID" (FILE may be *), comments with #
    sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$root/tests/i18n/allow.txt" 2>/dev/null |
        sed -E 's/^([^ ]+) +"(.*)"[[:space:]]*$/\1\t\2/' >"$work/allow"
    awk -F'\t' 'FILENAME == ARGV[1] { allow[$1 "\t" $2] = 1; next }
                { f = $1; sub(/:[0-9]+$/, "", f)
                  if (!((f "\t" $2) in allow) && !(("*\t" $2) in allow)) print }' "$work/allow" "$work/wordy" >"$work/unmarked"
    # an allow.txt line that matches no literal any more is only noted: the list must not rot
    awk -F'\t' 'FILENAME == ARGV[1] { f = $1; sub(/:[0-9]+$/, "", f); seen[f "\t" $2] = 1; seen["*\t" $2] = 1; next }
                !(($1 "\t" $2) in seen) { printf "i18n: note: tests/i18n/allow.txt: %s \"%s\" matches no literal any more\n", $1, $2 }' \
        "$work/wordy" "$work/allow" >&2
    if [ -s "$work/unmarked" ]; then
        awk -F'\t' '{ printf "i18n: %s: \"%s\": not marked for translation (wrap it in _(), or list it in tests/i18n/allow.txt with the reason it is no message)\n", $1, $2 }' \
            "$work/unmarked" >&2
        echo "i18n: $(wc -l <"$work/unmarked") unmarked literal(s)" >&2; bad=1
    fi
    if [ $bad -eq 0 ]; then
        echo "i18n: $(po_entries all <"$work/yuebao.pot" | cut -f2 | sort -u | wc -l) messages marked, each translated ($LANGUAGES); msgfmt --check passes; no unmarked literal at a sink"
    fi
    rm -rf "$work"
    return $bad
}

self_test() {
    local scratch; scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' RETURN
    for d in util common aggregator collector scorer notify cli web po tests/i18n examples; do
        mkdir -p "$scratch/$d"; cp -r "$d"/. "$scratch/$d/"
    done
    check "$scratch" >/dev/null 2>&1 || { echo "i18n: self-test: the tree itself fails the check" >&2; return 1; }
    # (c) an unmarked message
    printf 'static void selftest_unmarked(void) { log_warn("the inbox is full: %%d files", 3); }\n' >>"$scratch/collector/collector_file.c"
    if check "$scratch" 2>"$scratch/out" >/dev/null || ! grep -q 'collector/collector_file.c:[0-9]*: "the inbox is full: %d files": not marked' "$scratch/out"; then
        echo "i18n: self-test: an unmarked log_warn in collector/collector_file.c went unnoticed" >&2; return 1
    fi
    sed -i '$d' "$scratch/collector/collector_file.c"
    # (b) a marked message without its translation
    printf 'static const char *selftest_new(void) { return _("a message nobody translated"); }\n' >>"$scratch/cli/cli_status.c"
    if check "$scratch" 2>"$scratch/out" >/dev/null || ! grep -q 'cli/cli_status.c:[0-9]*: "a message nobody translated": no zh_CN translation' "$scratch/out"; then
        echo "i18n: self-test: a message without a zh_CN entry went unnoticed" >&2; return 1
    fi
    sed -i '$d' "$scratch/cli/cli_status.c"
    # (a) a translation whose directives differ from its msgid's
    printf '\n#, c-format\nmsgid "selftest %%s of %%d"\nmsgstr "自检 %%d"\n' >>"$scratch/po/zh_CN.po"
    if check "$scratch" >/dev/null 2>&1; then
        echo "i18n: self-test: a zh_CN entry with the wrong directives went unnoticed" >&2; return 1
    fi
    echo "i18n: self-test: an unmarked log_warn, a message without a translation and a translation with the wrong directives, all caught"
}

case "${1:-}" in
--pot)
    [ -n "${2:-}" ] || { echo "usage: check-i18n.sh --pot OUT" >&2; exit 2; }
    make_pot . "$2" && echo "i18n: wrote $2" ;;
--self-test) self_test ;;
*) check "${1:-.}" ;;
esac
