#pragma once
// The daemon's session-wide settings (what session-set changes and
// session-get shows) and its cumulative counters, kept in STATE/engine.json.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace actorrent {

struct session_settings {
  std::string download_dir;
  std::int64_t speed_limit_down = 100; // KiB/s, as Transmission keeps them
  bool speed_limit_down_enabled = false;
  std::int64_t speed_limit_up = 100;
  bool speed_limit_up_enabled = false;
  // Turtle mode (transmission-remote -as/-AS): these speeds replace the limits above.
  bool alt_speed_enabled = false;
  std::int64_t alt_speed_down = 50;
  std::int64_t alt_speed_up = 50;
  int peer_limit_global = 200;
  int peer_limit_per_torrent = 50;
  double seed_ratio_limit = 2.0;
  bool seed_ratio_limited = false;
  int idle_seeding_limit = 30; // minutes
  bool idle_seeding_limit_enabled = false;
  bool download_queue_enabled = true;
  int download_queue_size = 5;
  bool seed_queue_enabled = false;
  int seed_queue_size = 10;
  bool queue_stalled_enabled = true; // a torrent idle this long holds no queue slot
  int queue_stalled_minutes = 30;
  bool start_added_torrents = true;
  // Counters over every run (cumulative-stats).
  int next_id = 1;
  std::int64_t uploaded_bytes = 0;
  std::int64_t downloaded_bytes = 0;
  std::int64_t files_added = 0;
  std::int64_t session_count = 0;
  std::int64_t seconds_active = 0;
};

std::string encode_settings(const session_settings& s);
// Throws std::runtime_error with a one-line reason.
session_settings decode_settings(const std::string& text);

// session-set: every known key checked for its type and range first, then
// applied all together (a bad one changes nothing). Unknown keys are ignored,
// as Transmission does. Returns the error text, empty on success.
std::string apply_session_set(session_settings& s, const nlohmann::json& arguments);

} // namespace actorrent
