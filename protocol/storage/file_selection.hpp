#pragma once
// Which files of a torrent the user wants, and how urgently, turned into what
// the piece picker and the disk need: the pieces to fetch and their rank.
//
// A piece is wanted when it holds a byte of a wanted file (pad files and
// empty files hold none); its rank is the highest priority among those files.
// Pieces that straddle a wanted and an unwanted file are fetched whole: the
// storage keeps their unwanted bytes in the parts file (protocol/storage).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/bitfield.hpp"
#include "protocol/metainfo/metainfo.hpp"

namespace actorrent {

// Transmission's priorities: -1 low, 0 normal, 1 high.
constexpr int low_priority = -1;
constexpr int normal_priority = 0;
constexpr int high_priority = 1;

struct file_selection {
  std::vector<bool> wanted;   // per file; shorter (or empty): the rest are wanted
  std::vector<int> priorities; // per file; shorter: the rest are normal

  bool wants(std::size_t file) const { return file >= wanted.size() || wanted[file]; }
  int priority(std::size_t file) const { return file < priorities.size() ? priorities[file] : normal_priority; }
  bool everything() const; // all wanted, all normal
};

struct piece_selection {
  bitfield wanted;                 // pieces that hold a byte of a wanted file
  std::vector<std::uint8_t> rank;  // per piece: 0 unwanted, 1 low, 2 normal, 3 high
  bool everything = true;          // every piece wanted at normal rank
  std::int64_t wanted_bytes = 0;   // sum of the wanted pieces' sizes

  // Every wanted piece is in `have` (a torrent with nothing wanted is done).
  bool done(const bitfield& have) const;
  bool wants(std::uint32_t piece) const { return everything || (piece < rank.size() && rank[piece] > 0); }
  // A peer with `theirs` has a wanted piece missing from `ours` (same sizes).
  bool interesting(const bitfield& theirs, const bitfield& ours) const;
};

piece_selection select_pieces(const metainfo& m, const file_selection& s);

// "1,3-5" (file numbers from 1, as `actorrent show` lists them) to indices from 0,
// sorted and unique. A bad list: std::invalid_argument with a one-line reason.
std::vector<std::size_t> parse_file_list(std::string_view text, std::size_t file_count);

// --only LIST / --skip LIST onto a selection of m's files, numbered from 1 in
// the order `actorrent show` lists them (pad files are not listed).
file_selection selection_from_lists(const std::string& only, const std::string& skip, const metainfo& m);

} // namespace actorrent
