#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every CTest test:
#   1. the Release build (build/): protocol, CLI and interop suites;
#   2. an ASan + UBSan build of the protocol and interop suites (build-asan/);
#   3. an ASan + UBSan build of the whole client, running the fault, hostile-peer
#      and crash tests (build-asan-full/, CTest label "hostile");
#   4. a short libFuzzer run of each fuzz target (build-fuzz/, clang).
# --quick runs step 1 only (for the edit-test loop).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false
[ "${1:-}" = "--quick" ] && quick=true

scripts/install-deps.sh
status=0

echo "== Release build and tests (build/)"
scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
(cd build && ctest --output-on-failure -j "$(nproc)") || status=1

if ! $quick; then
  echo "== ASan + UBSan build of the protocol tests (build-asan/)"
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACTORRENT_PROTOCOL_ONLY=ON -DACTORRENT_SANITIZE=ON
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$(nproc)") || status=1

  echo "== ASan + UBSan build of the client: fault, hostile-peer and crash tests (build-asan-full/)"
  # Leak checking is off here: CAF 0.17 can keep a closed broker's object
  # alive past exit (known, bounded: ~4 KiB per failed peer); memory errors
  # and undefined behaviour still fail the run.
  scripts/build.sh build-asan-full -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACTORRENT_SANITIZE=ON
  (cd build-asan-full && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$(nproc)" -L hostile) || status=1

  echo "== libFuzzer smoke run (build-fuzz/)"
  CXX=clang++ scripts/build.sh build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACTORRENT_FUZZ=ON -DBUILD_TESTING=ON
  (cd build-fuzz && ctest --output-on-failure -L fuzz) || status=1
fi

exit $status
