#include "protocol/storage/file_map.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace actorrent {

file_map::file_map(std::vector<std::int64_t> file_sizes, std::int64_t piece_length)
    : sizes_(std::move(file_sizes)) {
  offsets_.reserve(sizes_.size());
  std::int64_t total = 0;
  for (auto size : sizes_) {
    if (size < 0) throw std::invalid_argument("negative file size");
    if (size > std::numeric_limits<std::int64_t>::max() - total)
      throw std::invalid_argument("total size overflows");
    offsets_.push_back(total);
    total += size;
  }
  geometry_ = piece_geometry(total, piece_length);
}

std::vector<file_slice> file_map::map_range(std::int64_t offset, std::int64_t length) const {
  if (offset < 0 || length < 0 || offset > geometry_.total_size() ||
      length > geometry_.total_size() - offset)
    throw std::out_of_range("range outside the torrent");
  std::vector<file_slice> out;
  if (length == 0) return out;
  // First file whose end lies beyond offset: upper_bound on starts, minus one,
  // then skip zero-length files that share the same start.
  auto it = std::upper_bound(offsets_.begin(), offsets_.end(), offset);
  std::size_t i = static_cast<std::size_t>(std::distance(offsets_.begin(), it)) - 1;
  while (length > 0) {
    while (sizes_[i] == 0 || offset >= offsets_[i] + sizes_[i]) ++i;
    const std::int64_t in_file = offset - offsets_[i];
    const std::int64_t n = std::min(length, sizes_[i] - in_file);
    out.push_back({i, in_file, n});
    offset += n;
    length -= n;
  }
  return out;
}

std::vector<file_slice> file_map::map_block(std::uint32_t piece, std::uint32_t begin,
                                            std::uint32_t length) const {
  if (piece >= geometry_.piece_count() ||
      static_cast<std::uint64_t>(begin) + length > geometry_.piece_size(piece))
    throw std::out_of_range("block outside the piece");
  return map_range(geometry_.piece_offset(piece) + begin, length);
}

std::vector<file_slice> file_map::map_piece(std::uint32_t piece) const {
  return map_block(piece, 0, geometry_.piece_size(piece));
}

file_map::piece_span file_map::pieces_of_file(std::size_t i) const {
  if (sizes_.at(i) == 0) return {};
  const std::int64_t pl = geometry_.piece_length();
  return {static_cast<std::uint32_t>(offsets_[i] / pl),
          static_cast<std::uint32_t>((offsets_[i] + sizes_[i] - 1) / pl), false};
}

} // namespace actorrent
