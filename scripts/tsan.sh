#!/usr/bin/env bash
# The ThreadSanitizer build of the concurrency suites (ctest label `concurrency`; docs/testing.md,
# "Concurrency"). Usage: scripts/tsan.sh [ctest arguments...]
#
# Debian's Qt is not built with TSan, so TSan cannot see Qt's own synchronisation (futex-based
# mutexes and semaphores behind queued and blocking-queued calls, moveToThread) and reports races
# that are not there. So this script first builds Qt Core, Network and Concurrent from Debian's
# own source package of the installed version with -fsanitize=thread (once, into build-tsan-qt/;
# about 20 minutes on two cores), then the suites into build-tsan/, and runs them with that Qt in
# front of the system's. The other Qt libraries (Sql, Test, Gui) stay uninstrumented: TSan does
# not track their memory and ignores what their calls into the C library touch
# (ignore_noninstrumented_modules). Too long for CI's budget: run it when threads change.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
qt_dir="$root/build-tsan-qt"
qt_lib="$qt_dir/build/lib"

bash "$root/packaging/install-deps.sh"
if [ ! -f "$qt_lib/libQt6Core.so.6" ] || [ ! -f "$qt_lib/libQt6Network.so.6" ]; then
  version=$(dpkg-query -W -f='${Version}' libqt6core6)
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  # Qt Core's own build dependencies, as Debian builds it (glib dispatcher, ICU, system PCRE2).
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dpkg-dev libglib2.0-dev libicu-dev \
    libpcre2-dev libdouble-conversion-dev libzstd-dev libb2-dev zlib1g-dev >/dev/null
  if ! apt-get source --print-uris "qt6-base=$version" >/dev/null 2>&1; then
    # Source packages come from the same Debian archive as the binaries.
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/ragdesk-deb-src.sources >/dev/null
    "${sudo_cmd[@]}" apt-get update -q >/dev/null
  fi
  rm -rf "$qt_dir/src" && mkdir -p "$qt_dir/src"
  (cd "$qt_dir/src" && apt-get source -q "qt6-base=$version" >/dev/null) # unpacked with Debian's patches
  src=$(find "$qt_dir/src" -maxdepth 1 -mindepth 1 -type d -name 'qt6-base-*' | head -n 1)
  cmake -S "$src" -B "$qt_dir/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFEATURE_sanitize_thread=ON \
    -DQT_BUILD_EXAMPLES=OFF -DQT_BUILD_TESTS=OFF -DFEATURE_gui=OFF -DFEATURE_widgets=OFF -DFEATURE_sql=OFF \
    -DFEATURE_testlib=OFF -DFEATURE_dbus=OFF -DFEATURE_glib=ON -DFEATURE_icu=ON -DFEATURE_system_pcre2=ON \
    -DFEATURE_doubleconversion=ON -DFEATURE_mimetype_database=OFF >/dev/null
  cmake --build "$qt_dir/build" -j "$jobs" --target Core Network Concurrent
fi

cmake -S "$root" -B "$root/build-tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAGDESK_WERROR=ON \
  -DRAGDESK_SANITIZE=thread -DRAGDESK_BUILD_BENCH=OFF >/dev/null
cmake --build "$root/build-tsan" -j "$jobs" --target ragdesk_concurrency_suites

# That Qt looks for plugins (the SQLite driver) under its own prefix: point it at the system's.
QT_PLUGIN_PATH="/usr/lib/$(gcc -print-multiarch)/qt6/plugins"
export QT_PLUGIN_PATH
export LD_LIBRARY_PATH="$qt_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$root/tests/support/tsan.supp"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$root/build-tsan" -L concurrency --output-on-failure "$@"
