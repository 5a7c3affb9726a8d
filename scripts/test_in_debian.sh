#!/usr/bin/env bash
# Run the test suite on another Debian release's QGIS, in a chroot:
#   bookworm: QGIS 3.22 (as on this machine), trixie: QGIS 3.40 LTR, sid: QGIS 3.44.
# The chroot is built once with debootstrap (about 4 minutes, 3 GB) and reused; /proc, /dev/pts and /dev/shm
# are mounted only while packages are installed and the tests run, and unmounted whatever happens. The project is copied in fresh each run.
# Usage: scripts/test_in_debian.sh RELEASE [pytest arguments]
set -euo pipefail

RELEASE=${1:?"gebruik: $0 bookworm|trixie|sid [pytest-argumenten]"}
shift
REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VEERKRACHT_CHROOTS:-/var/cache/veerkracht-chroots}
ROOT=$CACHE/$RELEASE
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
APT_OPTS=(-o Acquire::Check-Valid-Until=false -o Acquire::Retries=3)  # sid's Release file may have expired

case "$RELEASE" in
  bookworm) PG=15 ;;
  trixie) PG=17 ;;
  sid | unstable) PG=18 ;;
  *) echo "Onbekende release '$RELEASE': kies bookworm, trixie of sid." >&2; exit 2 ;;
esac
PACKAGES="qgis python3-qgis qgis-providers python3-pandas python3-openpyxl python3-odf python3-pytest python3-venv
  python3-pip poppler-utils gdal-bin postgresql postgresql-$PG-postgis-3 ca-certificates make xauth chromium"

command -v debootstrap >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq debootstrap; }

in_root() { $SUDO chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
  echo "== Debian $RELEASE bouwen in $ROOT (eenmalig)"
  $SUDO mkdir -p "$CACHE"
  $SUDO debootstrap --variant=minbase "$RELEASE" "$ROOT" "$MIRROR"
fi

cleanup() {
  for mount in dev/shm dev/pts proc; do
    mountpoint -q "$ROOT/$mount" && $SUDO umount -l "$ROOT/$mount"
  done
}
trap cleanup EXIT INT TERM
$SUDO mkdir -p "$ROOT/proc" "$ROOT/dev/pts" "$ROOT/dev/shm"
$SUDO mount -t proc proc "$ROOT/proc"
$SUDO mount -t devpts devpts "$ROOT/dev/pts"
$SUDO mount -t tmpfs tmpfs "$ROOT/dev/shm"

if [ ! -e "$ROOT/.veerkracht-ready" ]; then
  echo "== QGIS en testpakketten installeren in $ROOT (eenmalig)"
  # pip and apt inside need this machine's own CA certificates (a proxy may sign the registries' certificates)
  $SUDO mkdir -p "$ROOT/usr/local/share/ca-certificates"
  $SUDO cp -a /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/" 2>/dev/null || true
  echo "deb $MIRROR $RELEASE main" | $SUDO tee "$ROOT/etc/apt/sources.list" >/dev/null
  in_root apt-get "${APT_OPTS[@]}" update -qq
  in_root dpkg --configure -a  # finishes an install an earlier, interrupted run left half done
  # shellcheck disable=SC2086
  in_root apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends $PACKAGES
  in_root update-ca-certificates >/dev/null
  $SUDO touch "$ROOT/.veerkracht-ready"
else
  # a chroot made before a package joined the list (chromium for the web map tests): install only what is
  # missing; one dpkg-query when nothing is
  # shellcheck disable=SC2086
  missing=$({ in_root dpkg-query -W -f='${Package} ${Status}\n' $PACKAGES 2>/dev/null || true; } | awk '$NF == "installed" {print $1}' |
    sort | comm -13 - <(tr -s ' \n' '\n' <<<"$PACKAGES" | sed '/^$/d' | sort))
  if [ -n "$missing" ]; then
    echo "== Ontbrekende pakketten installeren in $ROOT: $missing"
    in_root apt-get "${APT_OPTS[@]}" update -qq
    # shellcheck disable=SC2086
    in_root apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends $missing
  fi
fi

echo "== Project naar $ROOT/src kopiëren"
$SUDO rm -rf "$ROOT/src" && $SUDO mkdir -p "$ROOT/src"
tar -C "$REPO" --exclude ./.git --exclude ./.venv --exclude ./.runtime --exclude ./.pytest_plugins --exclude ./out \
  --exclude ./dist --exclude __pycache__ --exclude ./.pytest_cache --exclude ./.ruff_cache -cf - . |
  $SUDO tar -C "$ROOT/src" -xf -

echo "== Tests op Debian $RELEASE"
in_root bash -c "cd /src && make test PYTEST_ARGS='$*' DEBIAN_RELEASE=$RELEASE"
