#pragma once
// Finds who sent the bad block of a piece that failed its hash check, even
// when several peers contributed to it (libtorrent calls this "smart ban").
//
// When a piece fails we remember each block's hash and sender. When the same
// piece later passes, every block whose earlier hash differs from the good
// one was corrupt, and its sender is the culprit. Honest peers that shared
// the piece are never blamed.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/swarm/piece_picker.hpp"
#include "protocol/sha1.hpp"

namespace actorrent {

struct block_record {
  peer_key sender = 0;
  sha1_digest hash{};
};

class smart_ban {
public:
  explicit smart_ban(std::size_t max_pieces_tracked = 4096) : max_pieces_(max_pieces_tracked) {}

  // Hashes of each 16 KiB block of `piece_data` (the last may be shorter).
  static std::vector<sha1_digest> block_hashes(std::string_view piece_data);

  // A piece failed: blocks[i] is block i as it was received.
  void piece_failed(std::uint32_t piece, std::vector<block_record> blocks);
  bool suspected(std::uint32_t piece) const { return failures_.count(piece) != 0; }
  // The piece passed with these block hashes: the peers that sent different
  // data before (each listed once). Forgets the piece.
  std::vector<peer_key> piece_passed(std::uint32_t piece, const std::vector<sha1_digest>& good);

private:
  std::size_t max_pieces_;
  std::unordered_map<std::uint32_t, std::vector<std::vector<block_record>>> failures_;
};

} // namespace actorrent
