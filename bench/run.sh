#!/usr/bin/env bash
# The benchmark in one command: installs what is missing, builds Release, then
# times actorrent, libtorrent and aria2c on loopback swarms (bench/compare.py).
#   bench/run.sh                       every case, 3 runs each (about 15 minutes)
#   bench/run.sh --cases 1gib-1seeder  one case; --help lists the options
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
exec /usr/bin/python3 bench/compare.py "$@"
