#pragma once
// `actorrent daemon`: one engine for every torrent of a state dir, driven
// over Transmission's RPC, in the foreground (logs to stderr) until SIGINT
// or SIGTERM, which stop every torrent with its state saved.
#include <string>

#include "main/download_command.hpp"

namespace actorrent::cli {

struct daemon_options {
  download_options base;    // the engine-wide options the one-shot CLI has (port, limits, DHT, faults, threads)
  std::string state_dir;    // default: $XDG_DATA_HOME/actorrent, else ~/.local/share/actorrent
  std::string download_dir; // default for new torrents: ~/Downloads
  int rest_after_s = 60;    // a complete torrent with no peer rests after this long (0: never)
};

std::string default_state_dir();
std::string default_download_dir();

// 0 after a clean stop, 1 when the state dir or a port cannot be had.
int run_daemon(const daemon_options& options);

} // namespace actorrent::cli
