#include "protocol/storage/piece_geometry.hpp"

#include <algorithm>
#include <stdexcept>

namespace actorrent {

piece_geometry::piece_geometry(std::int64_t total_size, std::int64_t piece_length)
    : total_(total_size), piece_length_(piece_length) {
  if (piece_length <= 0) throw std::invalid_argument("piece length must be positive");
  if (total_size < 0) throw std::invalid_argument("total size must not be negative");
  const std::int64_t count = total_size / piece_length + (total_size % piece_length != 0);
  if (count > 0x7fffffff) throw std::invalid_argument("more than 2^31-1 pieces");
  if (piece_length > 0xffffffffLL) throw std::invalid_argument("piece length over 4 GiB");
  count_ = static_cast<std::uint32_t>(count);
}

std::uint32_t piece_geometry::piece_size(std::uint32_t piece) const {
  if (piece >= count_) throw std::out_of_range("piece index out of range");
  const std::int64_t rest = total_ - piece_offset(piece);
  return static_cast<std::uint32_t>(std::min(rest, piece_length_));
}

std::uint32_t piece_geometry::blocks_in_piece(std::uint32_t piece) const {
  const std::uint32_t size = piece_size(piece);
  return size / block_size + (size % block_size != 0);
}

std::uint32_t piece_geometry::block_length(std::uint32_t piece, std::uint32_t block) const {
  const std::uint32_t size = piece_size(piece);
  const std::uint64_t begin = static_cast<std::uint64_t>(block) * block_size;
  if (begin >= size) throw std::out_of_range("block index out of range");
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(block_size, size - begin));
}

bool piece_geometry::valid_block(std::uint32_t piece, std::uint32_t begin,
                                 std::uint32_t length) const {
  if (piece >= count_ || length == 0 || length > block_size) return false;
  return static_cast<std::uint64_t>(begin) + length <= piece_size(piece);
}

} // namespace actorrent
