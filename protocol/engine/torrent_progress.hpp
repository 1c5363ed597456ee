#pragma once
// How far a torrent is, from its verified pieces: bytes held, per file and in
// all, and what is left of the files the user wants.
#include <cstdint>
#include <vector>

#include "protocol/bitfield.hpp"
#include "protocol/metainfo/metainfo.hpp"
#include "protocol/storage/piece_geometry.hpp"

namespace actorrent {

struct torrent_progress {
  std::int64_t have_bytes = 0;            // verified, wanted or not
  std::vector<std::int64_t> file_done;    // per file of the metainfo (pad files included)
  std::int64_t wanted_bytes = 0;          // size of the wanted files
  std::int64_t wanted_left = 0;           // of those, still missing
};

// `wanted` per file (shorter: the rest are wanted). A `have` of the wrong size counts as none.
torrent_progress progress_of(const metainfo& m, const bitfield& have, const std::vector<bool>& wanted);

} // namespace actorrent
