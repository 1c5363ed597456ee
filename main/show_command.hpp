#pragma once
// `actorrent show FILE.torrent`: what is inside a torrent, in the spirit of
// transmission-show, or as JSON; with --scrape, each tracker's counts.
#include <string>

namespace actorrent::cli {

struct show_options {
  std::string torrent_path;
  bool json = false;
  bool scrape = false;      // ask every tracker for its counts instead
  double timeout_s = 10;    // per HTTP tracker; a UDP tracker gets a third, twice
};

// Returns the process exit code: 0, or 2 for a torrent that cannot be read;
// with scrape, 1 when no tracker answered.
int run_show(const show_options& options);

} // namespace actorrent::cli
