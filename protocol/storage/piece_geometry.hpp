#pragma once
// Sizes of pieces and 16 KiB blocks for a torrent of a given length. The last
// piece (and the last block of any piece) may be shorter than the rest.
#include <cstdint>

namespace actorrent {

inline constexpr std::uint32_t block_size = 16 * 1024;

class piece_geometry {
public:
  piece_geometry() = default;
  // Throws std::invalid_argument for a non-positive piece length or more than
  // 2^31 - 1 pieces (piece indices are 32-bit on the wire).
  piece_geometry(std::int64_t total_size, std::int64_t piece_length);

  std::int64_t total_size() const noexcept { return total_; }
  std::int64_t piece_length() const noexcept { return piece_length_; }
  std::uint32_t piece_count() const noexcept { return count_; }

  std::uint32_t piece_size(std::uint32_t piece) const;
  std::int64_t piece_offset(std::uint32_t piece) const {
    return static_cast<std::int64_t>(piece) * piece_length_;
  }
  std::uint32_t blocks_in_piece(std::uint32_t piece) const;
  std::uint32_t block_length(std::uint32_t piece, std::uint32_t block) const;
  // A request (piece, begin, length) that lies inside the piece and is at most one block.
  bool valid_block(std::uint32_t piece, std::uint32_t begin, std::uint32_t length) const;

private:
  std::int64_t total_ = 0;
  std::int64_t piece_length_ = 1;
  std::uint32_t count_ = 0;
};

} // namespace actorrent
