#!/usr/bin/env bash
# Builds the real-text knowledge base of the benchmarks (bench/RESULTS.md): the HTML manuals
# of six Debian documentation packages (Python, PostgreSQL, Git, CMake, SQLite, Node.js),
# ~5,000 pages and ~25,000 chunks, ingested with the built-in embedder. Idempotent: unchanged
# files are skipped. Usage: bench/realtext_kb.sh [DATA_DIR] (default /tmp/ragdesk-realtext)
# Prints the data dir on its last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data_dir=${1:-/tmp/ragdesk-realtext}
ragdesk=${RAGDESK:-$root/build/app/ragdesk}
packages=(python3-doc postgresql-doc-15 git-doc cmake-doc sqlite3-doc nodejs-doc)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get install -y -qq "${missing[@]}" >&2
fi
[ -x "$ragdesk" ] || bash "$root/scripts/build.sh" --target ragdesk >&2
if ! "$ragdesk" --data-dir "$data_dir" kb list --json | grep -q '"name":"realtext"'; then
  "$ragdesk" --data-dir "$data_dir" kb create realtext >&2
fi
# The pages only: their sources and indexes repeat them.
find /usr/share/doc/python3.11/html /usr/share/doc/postgresql-doc-15 /usr/share/doc/git-doc \
     /usr/share/doc/cmake-data/html /usr/share/doc/sqlite3 /usr/share/doc/nodejs \
     -name '*.html' -not -path '*/_sources/*' -print0 | sort -z |
  xargs -0 "$ragdesk" --data-dir "$data_dir" ingest realtext 2>"$data_dir/ingest.log" >&2 || true
"$ragdesk" --data-dir "$data_dir" kb list --json >&2
echo "$data_dir"
