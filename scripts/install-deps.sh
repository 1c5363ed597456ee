#!/usr/bin/env bash
# Installs every Debian package actorrent, its tests and its demo need.
# Installs only what is missing; with CI=true it always runs apt-get update and
# install, so a clean machine is what CI proves.
set -euo pipefail

PACKAGES=(
  # build
  g++ cmake ninja-build ccache clang libclang-rt-14-dev
  # libraries
  libcaf-dev libssl-dev libcurl4-openssl-dev libboost-test-dev libcli11-dev
  libfmt-dev libspdlog-dev nlohmann-json3-dev libboost-dev
  # test and demo peers, all on 127.0.0.1
  python3 python3-libtorrent opentracker aria2 openssl time procps
  # the RPC tests' client (transmission-remote)
  transmission-cli
)
# The scale benchmark's anchors (bench/scale.py), only with --bench: CI needs neither.
if [ "${1:-}" = "--bench" ]; then
  PACKAGES+=(transmission-daemon qbittorrent-nox)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${CI:-}" != "true" ] && [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]:-all packages (CI)}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
