#pragma once
// .torrent files (BEP 3, with BEP 12 announce-list, BEP 19 url-list, BEP 27
// private and BEP 47 file attributes: pad files, symlinks, executables). Parsing validates everything a download
// relies on; a torrent whose paths could escape the download directory is
// refused outright rather than "sanitised".
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/storage/file_map.hpp"
#include "protocol/sha1.hpp"

namespace actorrent {

class metainfo_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct torrent_file {
  // Path components below the download directory; the first is the torrent name.
  std::vector<std::string> path;
  std::int64_t length = 0;
  std::int64_t offset = 0; // where the file starts in the concatenated payload
  bool pad = false;        // BEP 47 padding: never written to disk
  // BEP 47 attributes: a symlink holds no data (length 0); its target is a
  // path below the torrent's root folder (empty: a link to nowhere, not made).
  bool symlink = false;
  std::vector<std::string> symlink_target;
  bool executable = false;
  bool hidden = false;
  bool holds_data() const { return !pad && !symlink; } // a file of ours on disk
  std::string path_string() const; // components joined with '/'
};

struct metainfo {
  // Tracker tiers (announce-list), or a single tier holding `announce`.
  std::vector<std::vector<std::string>> tracker_tiers;
  std::vector<std::string> web_seeds;
  std::string name;
  bool multi_file = false;
  std::int64_t piece_length = 0;
  std::vector<sha1_digest> piece_hashes;
  std::vector<torrent_file> files;
  std::int64_t total_size = 0;
  bool is_private = false;
  std::string comment;
  std::string created_by;
  std::optional<std::int64_t> creation_date;
  sha1_digest info_hash{};
  std::string info_bytes; // the bencoded info dict, byte for byte (BEP 9 serves it)

  std::uint32_t piece_count() const { return static_cast<std::uint32_t>(piece_hashes.size()); }
  file_map make_file_map() const;
  // Every tracker URL, tier order kept, duplicates dropped.
  std::vector<std::string> trackers() const;
};

// Hard limits that keep a hostile .torrent from exhausting memory.
inline constexpr std::int64_t max_torrent_file_size = 64LL << 20;
inline constexpr std::int64_t max_piece_length = 128LL << 20;
inline constexpr std::size_t max_path_component = 255; // NAME_MAX on Linux

// Parses a whole .torrent; throws metainfo_error with a one-line reason.
metainfo parse_metainfo(std::string_view torrent_bytes);
// Parses only an info dictionary (a magnet download's fetched metadata).
metainfo parse_info_dict(std::string_view info_bytes);
// Reads and parses a .torrent file from disk.
metainfo load_metainfo(const std::string& path);

// True when a single path component is safe to create inside the download
// directory: non-empty, not "." or "..", no '/', '\\' or NUL, at most 255 bytes.
bool safe_path_component(std::string_view component);

} // namespace actorrent
