#pragma once
// What the daemon keeps of one torrent across restarts: where it came from
// (its .torrent bytes, or a magnet link until the metadata is in), the user's
// settings for it and its all-time counters. One file per torrent in the state
// dir, written atomically; a damaged file costs that torrent, never the others.
//
//   STATE/torrents/INFOHASH.torrent   the metainfo (absent while only a magnet)
//   STATE/torrents/INFOHASH.json      this record
//   STATE/resume/INFOHASH.resume      verified pieces (protocol/resume_data)
//   STATE/resume/INFOHASH.parts       bytes of unwanted files in wanted pieces (protocol/storage)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/sha1.hpp"

namespace actorrent {

struct torrent_record {
  sha1_digest info_hash{};
  int id = 0;                 // the RPC id: stable across restarts, never reused in one state dir
  std::string name;           // for lists before the metadata is in
  std::string magnet;         // the link it was added by (empty: a .torrent)
  std::string download_dir;
  bool paused = false;
  std::int64_t added_date = 0; // seconds since the epoch
  std::int64_t done_date = 0;
  std::int64_t activity_date = 0;
  int queue_position = 0;
  std::vector<std::string> labels;
  std::vector<bool> wanted;    // per file; empty: all
  std::vector<int> priorities; // per file, -1 low, 0 normal, 1 high; empty: all normal
  int bandwidth_priority = 0;
  std::int64_t download_limit = 0; // kB/s (speed_unit), as Transmission keeps it
  bool download_limited = false;
  std::int64_t upload_limit = 0;
  bool upload_limited = false;
  bool honors_session_limits = true;
  int seed_ratio_mode = 0; // 0: the session's, 1: this torrent's, 2: unlimited
  double seed_ratio_limit = 2.0;
  int seed_idle_mode = 0;
  int seed_idle_limit = 30; // minutes
  int peer_limit = 50;
  // Every file's path after torrent-rename-path ('/'-joined); empty: the metainfo's.
  std::vector<std::string> paths;
  // Tracker tiers edited over RPC; none: the metainfo's (or the magnet's).
  std::optional<std::vector<std::vector<std::string>>> trackers;
  std::int64_t uploaded_ever = 0;
  std::int64_t downloaded_ever = 0;
  std::int64_t corrupt_ever = 0;
  std::int64_t seconds_downloading = 0;
  std::int64_t seconds_seeding = 0;
};

// Bad JSON, wrong types or an impossible value: std::runtime_error with a one-line reason.
std::string encode_record(const torrent_record& r);
torrent_record decode_record(const std::string& text);

class state_store {
public:
  explicit state_store(std::string dir);

  const std::string& dir() const { return dir_; }
  std::string torrents_dir() const { return dir_ + "/torrents"; }
  std::string resume_dir() const { return dir_ + "/resume"; }

  struct loaded {
    torrent_record record;
    std::optional<std::string> metainfo; // the .torrent bytes, if kept
  };
  // Every record in the store; `problems` gets one line for each file skipped.
  std::vector<loaded> load_all(std::vector<std::string>& problems) const;

  void save(const torrent_record& r) const;                      // atomically
  void save_metainfo(const sha1_digest& hash, const std::string& bytes) const;
  void remove(const sha1_digest& hash) const;                    // record, metainfo and resume file

private:
  std::string dir_;
};

} // namespace actorrent
