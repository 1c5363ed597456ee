#pragma once
// Maps byte ranges of the torrent's concatenated payload (pieces, blocks) onto
// the files that hold them. A range may span many files; zero-length files
// never receive a slice but still exist on disk.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/storage/piece_geometry.hpp"

namespace actorrent {

struct file_slice {
  std::size_t file_index;
  std::int64_t file_offset;
  std::int64_t length;
  friend bool operator==(const file_slice& a, const file_slice& b) {
    return a.file_index == b.file_index && a.file_offset == b.file_offset && a.length == b.length;
  }
};

class file_map {
public:
  file_map() = default;
  file_map(std::vector<std::int64_t> file_sizes, std::int64_t piece_length);

  const piece_geometry& geometry() const noexcept { return geometry_; }
  std::size_t file_count() const noexcept { return sizes_.size(); }
  std::int64_t file_size(std::size_t i) const { return sizes_.at(i); }
  std::int64_t file_offset(std::size_t i) const { return offsets_.at(i); }

  // Slices of [offset, offset + length) in payload coordinates, in order.
  std::vector<file_slice> map_range(std::int64_t offset, std::int64_t length) const;
  std::vector<file_slice> map_block(std::uint32_t piece, std::uint32_t begin,
                                    std::uint32_t length) const;
  std::vector<file_slice> map_piece(std::uint32_t piece) const;

  // Pieces that hold bytes of file i, as [first, last]; empty files have none.
  struct piece_span {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    bool empty = true;
  };
  piece_span pieces_of_file(std::size_t i) const;

private:
  std::vector<std::int64_t> sizes_;
  std::vector<std::int64_t> offsets_; // start of each file in the payload
  piece_geometry geometry_;
};

} // namespace actorrent
