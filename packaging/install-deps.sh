#!/usr/bin/env bash
# Installs every Debian 12 package that ragdesk's build, tests and app need.
# Idempotent and quick when everything is already there: apt is only called for what is missing.
# Usage: install-deps.sh [PACKAGE...]   (packages a script needs besides these, e.g. the fuzzers')
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git python3
  # Qt 6.4: Core, Gui, Network, Widgets, Sql, Concurrent, Test (qt6-base-dev); Qt's CMake
  # files for Gui look for OpenGL
  qt6-base-dev libqt6sql6-sqlite libqt6sql6-psql libqt6opengl6-dev libgl-dev
  qt6-qpa-plugins
  # the SVG icon engine and image format (the window and desktop icon)
  libqt6svg6
  # coroutines, vector index, parsers, HTTP/1.1 and HTTP/2 framing, keychain
  qcoro-qt6-dev libhnswlib-dev libpoppler-qt6-dev libzip-dev libhttp-parser-dev libnghttp2-dev
  qtkeychain-qt6-dev libsqlite3-dev
  # tcmalloc, the programs' allocator (docs/architecture.md, "Memory")
  libgoogle-perftools-dev
  # PostgreSQL server and client for the shared-backend tests
  postgresql postgresql-client
  # headless GUI tests and screenshots; chromium renders report.html in tst_loadtest_html
  xvfb xauth chromium
  # the installed package's checks (scripts/test-package.sh)
  desktop-file-utils appstream
  # corpus for the retrieval-quality benchmark
  python3-doc
  # test-only: Node.js runs the official openai client against `ragdesk serve` (its package
  # comes from npm, pinned, installed by scripts/test.sh)
  nodejs npm
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
