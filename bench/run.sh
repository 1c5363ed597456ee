#!/usr/bin/env bash
# The benchmark in one command: installs what is missing, builds Release, then
# times actorrent, libtorrent and aria2c on loopback swarms (bench/compare.py).
#   bench/run.sh                       every case, 3 runs each (about 15 minutes)
#   bench/run.sh --cases 1gib-1seeder  one case; --help lists the options
#   bench/run.sh scale --n 1000        many small seeding torrents beside
#                                      transmission-daemon and qbittorrent-nox (bench/scale.py)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "scale" ]; then
  shift
  scripts/install-deps.sh --bench
  scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
  exec /usr/bin/python3 bench/scale.py "$@"
fi
scripts/install-deps.sh
scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
exec /usr/bin/python3 bench/compare.py "$@"
