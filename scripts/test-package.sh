#!/usr/bin/env bash
# Builds the .deb, installs it with apt as a user would (its dependencies resolved from
# Debian), and checks the installed app: `ragdesk --help`, a command on a fresh data folder,
# the desktop app started offscreen, and the desktop file and AppStream metainfo validated.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deb=$(bash "$root/scripts/package.sh" | tail -n 1)
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -qq --reinstall "$deb" >/dev/null
fail() { echo "test-package: $*" >&2; exit 1; }

/usr/bin/ragdesk --help | grep -q "Usage: ragdesk" || fail "ragdesk --help"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
/usr/bin/ragdesk --data-dir "$data" kb create smoke >/dev/null || fail "kb create"
/usr/bin/ragdesk --data-dir "$data" ingest smoke /usr/share/ragdesk/demo 2>/dev/null || fail "ingest the installed demo"
/usr/bin/ragdesk --data-dir "$data" search smoke "hybrid search" | grep -q "^1\. " || fail "search"
# The desktop app: running after 5 s means it started (a startup error exits or shows its
# dialog, after saying "error: ..." on stderr).
status=0
QT_QPA_PLATFORM=offscreen timeout 5 /usr/bin/ragdesk-desktop --data-dir "$data" 2>"$data/desktop.err" || status=$?
[ "$status" -eq 124 ] || fail "ragdesk-desktop exited with $status: $(cat "$data/desktop.err")"
grep -q "^error:" "$data/desktop.err" && fail "ragdesk-desktop reported: $(cat "$data/desktop.err")"
desktop-file-validate /usr/share/applications/org.ragdesk.Ragdesk.desktop || fail "desktop file"
appstreamcli validate --no-net /usr/share/metainfo/org.ragdesk.Ragdesk.metainfo.xml >/dev/null || fail "metainfo"
[ -f /usr/share/icons/hicolor/scalable/apps/org.ragdesk.Ragdesk.svg ] || fail "icon"
man -w ragdesk >/dev/null 2>&1 || [ -f /usr/share/man/man1/ragdesk.1 ] || fail "man page"
echo "test-package: $(basename "$deb") installs and runs"
