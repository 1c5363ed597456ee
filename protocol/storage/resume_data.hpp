#pragma once
// The resume file: which pieces are verified and on disk, and what each file
// looked like (size, mtime) when that was saved. Bencoded; saved atomically
// (temp file, fsync, rename, fsync of the directory).
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "protocol/storage/atomic_file.hpp"
#include <string_view>
#include <vector>

#include "protocol/bitfield.hpp"
#include "protocol/metainfo/metainfo.hpp"
#include "protocol/storage/storage.hpp"

namespace actorrent {

class resume_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct resume_data {
  sha1_digest info_hash{};
  bitfield have;
  std::vector<file_stamp> files;
  std::int64_t downloaded = 0; // payload bytes fetched over all sessions
  std::int64_t uploaded = 0;
};

std::string encode_resume(const resume_data& r);
// Checks it belongs to this torrent and is well-formed; throws resume_error.
resume_data decode_resume(std::string_view bytes, const metainfo& m);

// Pieces that resume data vouches for, given the files as they are now: a
// piece is trusted only when every file it touches is unchanged.
bitfield trusted_pieces(const resume_data& r, const metainfo& m, const std::vector<file_stamp>& now);

// DIR/.actorrent/INFOHASH.resume
std::string resume_path(const std::string& download_dir, const sha1_digest& info_hash);
// nullopt when the file does not exist; throws storage_error on other errors.
std::optional<std::string> load_file(const std::string& path, std::size_t max_size);

} // namespace actorrent
