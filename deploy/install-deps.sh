#!/bin/sh
# install-deps.sh - installs the Debian packages yuebao builds and tests with, only
# those missing, and generates the zh_CN.UTF-8 locale (the deployments' language, which
# the demo and the translation tests run in) if it is not there. Safe to run every
# time: it does nothing when all are present.
set -eu

PACKAGES="gcc make pkg-config libc6-dev libzmq3-dev libprotobuf-c-dev protobuf-c-compiler \
libsqlite3-dev sqlite3 libinih-dev libcriterion-dev valgrind libxlsxwriter-dev unzip \
libzip-dev libexpat1-dev gettext locales help2man man-db libcurl4-openssl-dev openssl \
libsodium-dev libmicrohttpd-dev libgnutls28-dev chromium curl"

# Generates zh_CN.UTF-8 (the locales package holds its source) unless `locale -a` has it.
have_zh() { locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\{0,1\}8'; }
gen_zh() {
    have_zh && return 0
    echo "install-deps: generating the zh_CN.UTF-8 locale"
    if [ -f /etc/locale.gen ] && grep -q '^# *zh_CN.UTF-8 UTF-8' /etc/locale.gen; then
        $SUDO sed -i 's/^# *\(zh_CN.UTF-8 UTF-8\)/\1/' /etc/locale.gen
    elif ! grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
        echo 'zh_CN.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
    fi
    $SUDO locale-gen >/dev/null
}

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
# yuebao-web's scripts and charts come from the npm registry (package-lock.json); a
# machine with Node.js from elsewhere (NodeSource) has npm in its nodejs package, and
# Debian's npm package would conflict with it, so only a missing command is installed.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && have_zh && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        if [ -n "$missing" ]; then echo "install-deps: need root or sudo to install:$missing" >&2; exit 1; fi
        echo "install-deps: need root or sudo to generate the zh_CN.UTF-8 locale; the Chinese tests will fail" >&2
        exit 0
    fi
    SUDO=sudo
fi
if [ -z "$missing" ]; then gen_zh; exit 0; fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
gen_zh
echo "install-deps: done"
