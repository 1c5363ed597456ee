#include "protocol/engine/session_settings.hpp"

#include <stdexcept>

namespace actorrent {

namespace {

using json = nlohmann::json;

template <class T>
void read(const json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it == j.end()) return;
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) throw std::runtime_error(std::string(key) + " must be a boolean");
    out = it->get<bool>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) throw std::runtime_error(std::string(key) + " must be a string");
    out = it->get<std::string>();
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!it->is_number()) throw std::runtime_error(std::string(key) + " must be a number");
    const double v = it->get<double>();
    if (!(v >= 0 && v <= 1e6)) throw std::runtime_error(std::string(key) + " is out of range");
    out = v;
  } else {
    if (!it->is_number_integer()) throw std::runtime_error(std::string(key) + " must be an integer");
    const auto v = it->get<std::int64_t>();
    if (v < 0 || v > (std::int64_t{1} << 40)) throw std::runtime_error(std::string(key) + " is out of range");
    out = static_cast<T>(v);
  }
}

// The keys session-set and engine.json share, with Transmission's names.
template <class J>
void each_setting(J& j, session_settings& s) {
  read(j, "download-dir", s.download_dir);
  read(j, "speed-limit-down", s.speed_limit_down);
  read(j, "speed-limit-down-enabled", s.speed_limit_down_enabled);
  read(j, "speed-limit-up", s.speed_limit_up);
  read(j, "speed-limit-up-enabled", s.speed_limit_up_enabled);
  read(j, "alt-speed-enabled", s.alt_speed_enabled);
  read(j, "alt-speed-down", s.alt_speed_down);
  read(j, "alt-speed-up", s.alt_speed_up);
  read(j, "peer-limit-global", s.peer_limit_global);
  read(j, "peer-limit-per-torrent", s.peer_limit_per_torrent);
  read(j, "seedRatioLimit", s.seed_ratio_limit);
  read(j, "seedRatioLimited", s.seed_ratio_limited);
  read(j, "idle-seeding-limit", s.idle_seeding_limit);
  read(j, "idle-seeding-limit-enabled", s.idle_seeding_limit_enabled);
  read(j, "download-queue-enabled", s.download_queue_enabled);
  read(j, "download-queue-size", s.download_queue_size);
  read(j, "seed-queue-enabled", s.seed_queue_enabled);
  read(j, "seed-queue-size", s.seed_queue_size);
  read(j, "queue-stalled-enabled", s.queue_stalled_enabled);
  read(j, "queue-stalled-minutes", s.queue_stalled_minutes);
  read(j, "start-added-torrents", s.start_added_torrents);
}

} // namespace

std::string encode_settings(const session_settings& s) {
  return json{{"download-dir", s.download_dir},
              {"speed-limit-down", s.speed_limit_down},
              {"speed-limit-down-enabled", s.speed_limit_down_enabled},
              {"speed-limit-up", s.speed_limit_up},
              {"speed-limit-up-enabled", s.speed_limit_up_enabled},
              {"alt-speed-enabled", s.alt_speed_enabled},
              {"alt-speed-down", s.alt_speed_down},
              {"alt-speed-up", s.alt_speed_up},
              {"peer-limit-global", s.peer_limit_global},
              {"peer-limit-per-torrent", s.peer_limit_per_torrent},
              {"seedRatioLimit", s.seed_ratio_limit},
              {"seedRatioLimited", s.seed_ratio_limited},
              {"idle-seeding-limit", s.idle_seeding_limit},
              {"idle-seeding-limit-enabled", s.idle_seeding_limit_enabled},
              {"download-queue-enabled", s.download_queue_enabled},
              {"download-queue-size", s.download_queue_size},
              {"seed-queue-enabled", s.seed_queue_enabled},
              {"seed-queue-size", s.seed_queue_size},
              {"queue-stalled-enabled", s.queue_stalled_enabled},
              {"queue-stalled-minutes", s.queue_stalled_minutes},
              {"start-added-torrents", s.start_added_torrents},
              {"next-id", s.next_id},
              {"uploaded-bytes", s.uploaded_bytes},
              {"downloaded-bytes", s.downloaded_bytes},
              {"files-added", s.files_added},
              {"session-count", s.session_count},
              {"seconds-active", s.seconds_active}}
      .dump(1);
}

session_settings decode_settings(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error("not a JSON object");
  session_settings s;
  each_setting(j, s);
  read(j, "next-id", s.next_id);
  if (s.next_id < 1) s.next_id = 1;
  read(j, "uploaded-bytes", s.uploaded_bytes);
  read(j, "downloaded-bytes", s.downloaded_bytes);
  read(j, "files-added", s.files_added);
  read(j, "session-count", s.session_count);
  read(j, "seconds-active", s.seconds_active);
  return s;
}

std::string apply_session_set(session_settings& s, const json& arguments) {
  session_settings changed = s;
  try {
    each_setting(arguments, changed);
  } catch (const std::exception& e) {
    return e.what();
  }
  if (changed.download_dir.empty() || changed.download_dir.front() != '/') return "download-dir must be an absolute path";
  if (changed.peer_limit_global < 1 || changed.peer_limit_per_torrent < 1) return "peer limits must be at least 1";
  s = changed;
  return {};
}

} // namespace actorrent
