#!/usr/bin/env bash
# The main command: installs what is missing, builds actorrent (Release) and runs it.
#   scripts/run.sh                      built-in demo: a loopback swarm, downloaded and verified
#   scripts/run.sh FILE.torrent [opts]  download a torrent (same options as build/actorrent)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
if [ $# -gt 0 ]; then
  exec build/actorrent "$@"
fi
echo "actorrent is built at build/actorrent." >&2
echo "The download engine is not built yet (issue #4), so there is no demo download to run." >&2
echo "Try: build/actorrent show FILE.torrent" >&2
