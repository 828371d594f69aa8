#!/bin/bash
# install.sh - installs yuebao on a Debian host from a built tree (run `make` first).
#
#   deploy/install.sh central     the central office: yuebao-aggregator + yuebao-scorer
#   deploy/install.sh county      a county office: yuebao-collector and the desk folders
#   deploy/install.sh all         both on one host (a test installation)
#
# Options: --bin DIR (the built programs, default build/bin of this tree).
#
# What it does, and nothing else:
#   - the four programs into /usr/local/bin (replaced: that is an upgrade), their
#     message catalogues (zh_CN) into /usr/share/locale/LANG/LC_MESSAGES/yuebao.mo, their
#     man pages (make builds them with help2man) into /usr/local/share/man/man1, and the
#     bash completion into /usr/local/share/bash-completion/completions;
#   - the zh_CN.UTF-8 locale, generated if the host lacks it (the locales package):
#     the units run with LANG=zh_CN.UTF-8, so receipts, errors files and log lines are
#     in Chinese (a `systemctl edit` drop-in with Environment=LANG=C.UTF-8 for English);
#   - the system user and group `yuebao` (county: also the group `yuebao-desk` for the
#     desk officers, and /srv/yuebao/{inbox,done,rejected});
#   - /etc/yuebao (0750 root:yuebao) and /etc/yuebao/keys (0750 root:yuebao);
#   - the example configurations from deploy/etc/yuebao (the CLI's yuebao.ini on every
#     role), each only if absent: an
#     existing configuration or key list is never overwritten;
#   - the systemd units into /etc/systemd/system (replaced: local changes belong in
#     `systemctl edit UNIT` drop-ins), then `systemctl daemon-reload`;
#   - docs/operations.md into /usr/local/share/doc/yuebao.
# It never creates, reads or touches a key file, and never enables or starts a service:
# keys and configuration come first (it prints the next steps). Running it again is safe.
#
# DESTDIR=/some/dir stages the files there instead (packaging, trying it out): no user,
# group, ownership or systemctl then.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/build/bin"
ROLE=""
DESTDIR="${DESTDIR:-}"
PROGRAMS="yuebao-aggregator yuebao-scorer yuebao-notify yuebao-web yuebao-collector yuebao"

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case "$1" in
    --bin) [ $# -ge 2 ] || usage; BIN=$2; shift 2 ;;
    --bin=*) BIN=${1#--bin=}; shift ;;
    -h | --help) usage 0 ;;
    central | county | all) [ -z "$ROLE" ] || usage; ROLE=$1; shift ;;
    *) echo "install.sh: unknown argument \"$1\"" >&2; usage ;;
    esac
done
[ -n "$ROLE" ] || usage

say() { echo "install.sh: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
    die "must run as root (or with DESTDIR=DIR to stage the files)"
fi
for p in $PROGRAMS; do
    [ -x "$BIN/$p" ] || die "$BIN/$p is missing: build first (make), or name the folder with --bin DIR"
done

central=false county=false
case "$ROLE" in
central) central=true ;;
county) county=true ;;
all) central=true county=true ;;
esac

# Ownership arguments for install(1): none when staging into DESTDIR.
own() { if [ -z "$DESTDIR" ]; then echo "-o $1 -g $2"; fi; }

# --- the user and groups ----------------------------------------------------------
if [ -z "$DESTDIR" ]; then
    if ! getent group yuebao >/dev/null; then
        groupadd --system yuebao
        say "created the group yuebao"
    fi
    if ! getent passwd yuebao >/dev/null; then
        useradd --system --gid yuebao --home-dir /var/lib/yuebao --no-create-home \
            --shell /usr/sbin/nologin --comment "yuebao daemons" yuebao
        say "created the system user yuebao"
    fi
    if $county; then
        if ! getent group yuebao-desk >/dev/null; then
            groupadd --system yuebao-desk
            say "created the group yuebao-desk (the desk officers who drop files)"
        fi
        # The collector reads the files the desk officers drop, whatever their owner.
        id -nG yuebao | tr ' ' '\n' | grep -qx yuebao-desk || usermod -a -G yuebao-desk yuebao
    fi
fi

# --- programs ----------------------------------------------------------------------
install -d -m 0755 "$DESTDIR/usr/local/bin"
for p in $PROGRAMS; do
    install -m 0755 "$BIN/$p" "$DESTDIR/usr/local/bin/$p"
done
say "installed $PROGRAMS into /usr/local/bin"

# --- man pages and bash completion (make builds the pages beside bin/) ---------------
MANS="$BIN/../man"
for p in $PROGRAMS; do
    [ -f "$MANS/$p.1" ] || die "$MANS/$p.1 is missing: build first (make; it needs help2man: make deps)"
done
install -d -m 0755 "$DESTDIR/usr/local/share/man/man1" "$DESTDIR/usr/local/share/bash-completion/completions"
for p in $PROGRAMS; do
    install -m 0644 "$MANS/$p.1" "$DESTDIR/usr/local/share/man/man1/$p.1"
done
# one script for the four: bash-completion loads it by the command's name
install -m 0644 "$ROOT/deploy/bash-completion/yuebao" "$DESTDIR/usr/local/share/bash-completion/completions/yuebao"
for p in $PROGRAMS; do
    [ "$p" = yuebao ] || ln -sf yuebao "$DESTDIR/usr/local/share/bash-completion/completions/$p"
done
say "installed the man pages (man yuebao) and the bash completion"

# --- messages: the catalogues built beside bin/ (make builds them with the programs) --
LOCALES="$BIN/../locale"
[ -d "$LOCALES" ] || die "$LOCALES is missing: build first (make)"
n_mo=0
for mo in "$LOCALES"/*/LC_MESSAGES/yuebao.mo; do
    [ -f "$mo" ] || continue
    lang=${mo#"$LOCALES"/}; lang=${lang%%/*}
    install -d -m 0755 "$DESTDIR/usr/share/locale/$lang/LC_MESSAGES"
    install -m 0644 "$mo" "$DESTDIR/usr/share/locale/$lang/LC_MESSAGES/yuebao.mo"
    n_mo=$((n_mo + 1))
done
[ "$n_mo" -gt 0 ] || die "no catalogue in $LOCALES: build first (make)"
say "installed $n_mo message catalogue(s) into /usr/share/locale"
if [ -z "$DESTDIR" ] && ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\{0,1\}8'; then
    if ! command -v locale-gen >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends locales >/dev/null ||
            say "warning: could not install the locales package: the daemons will speak English"
    fi
    if command -v locale-gen >/dev/null 2>&1; then
        if grep -q '^# *zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
            sed -i 's/^# *\(zh_CN.UTF-8 UTF-8\)/\1/' /etc/locale.gen
        elif ! grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
            echo 'zh_CN.UTF-8 UTF-8' >>/etc/locale.gen
        fi
        locale-gen >/dev/null && say "generated the zh_CN.UTF-8 locale"
    fi
fi

# --- /etc/yuebao ---------------------------------------------------------------------
# shellcheck disable=SC2046 # own prints words meant to split
install -d -m 0750 $(own root yuebao) "$DESTDIR/etc/yuebao" "$DESTDIR/etc/yuebao/keys"

# Copies deploy/etc/yuebao/SRC to /etc/yuebao/DST (mode 0640 root:yuebao) unless DST
# exists: an operator's file is never replaced.
config() {
    local src="$ROOT/deploy/etc/yuebao/$1" dst="$DESTDIR/etc/yuebao/$2"
    if [ -e "$dst" ] || [ -L "$dst" ]; then
        say "kept /etc/yuebao/$2 (exists; the example is $src)"
    else
        # shellcheck disable=SC2046
        install -m 0640 $(own root yuebao) "$src" "$dst"
        say "installed /etc/yuebao/$2: edit it"
    fi
}
if $central; then
    config aggregator.ini aggregator.ini
    config scorer.ini scorer.ini
    config notify.ini notify.ini
    config silence_keys.example silence_keys
    config authorized_keys.example authorized_keys
    config subscriber_keys.example subscriber_keys
    config approver_keys.example approver_keys
    config web.ini web.ini
fi
$county && config collector.ini collector.ini
config yuebao.ini yuebao.ini # the CLI's defaults, on every host it is installed on
# yuebao-notify's built-in message templates, to copy and edit (docs/operations.md)
if $central; then
    # shellcheck disable=SC2046
    install -d -m 0750 $(own root yuebao) "$DESTDIR/etc/yuebao/notify-templates"
    config notify-templates/robot.md notify-templates/robot.md
    config notify-templates/email.txt notify-templates/email.txt
fi

# yuebao-web's pages: its scripts, styles and ECharts (make puts them in build/web/assets)
if $central; then
    [ -f "$BIN/../web/assets/vendor/echarts.min.js" ] || die "no $BIN/../web/assets: run make first"
    install -d -m 0755 "$DESTDIR/usr/local/share/yuebao/web/vendor"
    install -m 0644 "$BIN"/../web/assets/*.js "$BIN"/../web/assets/*.css "$DESTDIR/usr/local/share/yuebao/web/"
    install -m 0644 "$BIN/../web/assets/vendor/echarts.min.js" "$DESTDIR/usr/local/share/yuebao/web/vendor/"
    say "installed the pages' assets in /usr/local/share/yuebao/web"
fi

# --- desk folders (county) -----------------------------------------------------------
if $county; then
    # setgid: what is dropped or written there belongs to the group yuebao-desk.
    # shellcheck disable=SC2046
    install -d -m 2750 $(own yuebao yuebao-desk) "$DESTDIR/srv/yuebao"
    for d in inbox "done" rejected; do
        if [ -d "$DESTDIR/srv/yuebao/$d" ]; then
            say "kept /srv/yuebao/$d"
        else
            # shellcheck disable=SC2046
            install -d -m 2770 $(own yuebao yuebao-desk) "$DESTDIR/srv/yuebao/$d"
        fi
    done
fi

# --- systemd units and the guide -----------------------------------------------------
units=""
$central && units="$units yuebao-aggregator.service yuebao-scorer.service yuebao-notify.service yuebao-web.service"
$county && units="$units yuebao-collector.service"
install -d -m 0755 "$DESTDIR/etc/systemd/system" "$DESTDIR/usr/local/share/doc/yuebao"
for u in $units; do
    install -m 0644 "$ROOT/deploy/systemd/$u" "$DESTDIR/etc/systemd/system/$u"
done
install -m 0644 "$ROOT/docs/operations.md" "$DESTDIR/usr/local/share/doc/yuebao/operations.md"
say "installed the units:$units"
if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
fi

# --- next steps ----------------------------------------------------------------------
cat <<EOF

Next steps (docs/operations.md, installed as /usr/local/share/doc/yuebao/operations.md):
EOF
if $central; then
    cat <<'EOF'
  central office
    1. Master data and rules into /etc/yuebao: regions.csv, indicators.csv, city.csv,
       scheme-YYYY.csv, targets-YYYY.csv, pacing.csv, stars.csv (mode 0640 root:yuebao).
    2. Keys: cd /etc/yuebao/keys && yuebao keygen aggregator && yuebao keygen scorer
             yuebao keygen notify && chown yuebao:yuebao aggregator.key scorer.key notify.key
    3. Add scorer.pub to /etc/yuebao/subscriber_keys ("<key> scorer"), and each
       county's county-<code>.pub to /etc/yuebao/authorized_keys ("<key> <code>").
       Add notify.pub to the scorer's subscriber_keys too ("<key> notify").
    4. Give each county /etc/yuebao/keys/aggregator.pub. Each approver of the 统计局
       makes a key (yuebao keygen NAME); NAME.pub goes into /etc/yuebao/approver_keys.
    5. /etc/yuebao/notify.ini: the group robots' addresses ([receiver …]) and the routes;
       /etc/yuebao/silence_keys: who may silence alerts (yuebao silence).
    6. The browser (yuebao-web): yuebao keygen web (web.pub into subscriber_keys and the
       scorer's), a certificate in /etc/yuebao/web-cert.pem and web-key.pem, the first
       account: yuebao user add NAME --role central (docs/operations.md, "The browser").
    7. systemctl enable --now yuebao-aggregator yuebao-scorer yuebao-notify yuebao-web
       systemctl status yuebao-aggregator yuebao-scorer yuebao-notify yuebao-web
EOF
fi
if $county; then
    cat <<'EOF'
  county office
    1. /etc/yuebao/collector.ini: county, aggregator (the central office's address), key.
    2. regions.csv, indicators.csv and city.csv (the central office's copy) into /etc/yuebao.
    3. Keys: cd /etc/yuebao/keys && yuebao keygen county-<code> && chown yuebao:yuebao county-<code>.key
       Send county-<code>.pub to the central office; put their aggregator.pub here.
    4. Desk officers: usermod -a -G yuebao-desk <login>; they drop files into /srv/yuebao/inbox.
    5. systemctl enable --now yuebao-collector; systemctl status yuebao-collector
EOF
fi
