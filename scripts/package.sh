#!/usr/bin/env bash
# Builds the .deb (docs/packaging.md): a RelWithDebInfo build stripped into
# build/ragdesk_VERSION_ARCH.deb, whose path it prints last.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(bash "$root/scripts/build.sh" --target ragdesk --target ragdesk-desktop | tail -n 1)
(cd "$build_dir" && cpack -G DEB >/dev/null)
ls "$build_dir"/ragdesk_*.deb
