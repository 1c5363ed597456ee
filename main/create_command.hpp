#pragma once
// `actorrent create PATH -t URL -o FILE.torrent`: makes a torrent.
#include <string>

#include "protocol/metainfo/torrent_creator.hpp"

namespace actorrent::cli {

struct create_options {
  creator_options creator;
  std::string output;
  unsigned piece_kib = 0;
};

// Returns the exit code: 0, 1 when the file cannot be written, 2 for bad input.
int run_create(create_options options);

} // namespace actorrent::cli
