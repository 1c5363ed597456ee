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

# The demo: opentracker and two libtorrent seeders on 127.0.0.1 serve 512 MiB;
# actorrent downloads it with its live status line, then the bytes are compared.
work=$(mktemp -d /tmp/actorrent-demo-XXXXXX)
swarm="/usr/bin/python3 tests/fixtures/swarm.py"
cleanup() { $swarm teardown "$work/swarm" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
echo "demo: starting a loopback swarm (opentracker + 2 libtorrent seeders, 512 MiB)..."
$swarm setup "$work/swarm" --size-kib 524288 --seeders 2 >/dev/null
echo "demo: build/actorrent --no-seed --no-dht -d $work/download $work/swarm/t.torrent"
build/actorrent --no-seed --no-dht -d "$work/download" "$work/swarm/t.torrent"
$swarm verify "$work/swarm" "$work/download"
