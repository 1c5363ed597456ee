#pragma once
// Builds a .torrent (BEP 3, v1) from a file or a directory tree. Files are
// listed in byte order of their paths, hashed piece by piece across file
// boundaries. Symlinks and special files are not followed (a torrent of a
// tree must not leak files from outside it); a name that would be unsafe to
// download (see safe_path_component) is refused.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace actorrent {

class creator_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct creator_options {
  std::string path;                         // file or directory
  std::vector<std::string> trackers;        // first = announce; all go into announce-list, one tier each
  std::int64_t piece_length = 0;            // 0: chosen from the total size
  bool is_private = false;
  std::string comment;
  std::string created_by = "actorrent";
  std::int64_t creation_date = 0;           // 0: leave out
  // Called after each piece with (pieces done, pieces total).
  std::function<void(std::uint32_t, std::uint32_t)> progress;
};

// ~1500 pieces, a power of two from 16 KiB to 16 MiB.
std::int64_t default_piece_length(std::int64_t total_size);

// The bencoded .torrent; throws creator_error with a one-line reason.
std::string create_torrent(const creator_options& options);

} // namespace actorrent
