#pragma once
// `actorrent show FILE.torrent`: what is inside a torrent, in the spirit of
// transmission-show, or as JSON.
#include <string>

namespace actorrent::cli {

struct show_options {
  std::string torrent_path;
  bool json = false;
};

// Returns the process exit code: 0, or 2 for a torrent that cannot be read.
int run_show(const show_options& options);

} // namespace actorrent::cli
