#include "protocol/engine/transfer_limits.hpp"

#include <algorithm>
#include <limits>

namespace actorrent {

namespace {

std::int64_t bytes_per_second(std::int64_t kb) {
  // Capped so that the product cannot overflow (settings are bounded, but stay careful).
  const std::int64_t capped = std::clamp<std::int64_t>(kb, 0, std::numeric_limits<std::int64_t>::max() / speed_unit / 4);
  return std::max<std::int64_t>(1, capped * speed_unit);
}

} // namespace

transfer_limits torrent_limits_of(const torrent_record& r) {
  transfer_limits l;
  l.download = r.download_limited ? bytes_per_second(r.download_limit) : 0;
  l.upload = r.upload_limited ? bytes_per_second(r.upload_limit) : 0;
  l.peers = static_cast<std::size_t>(std::max(1, r.peer_limit));
  return l;
}

transfer_limits engine_limits_of(const session_settings& s, std::int64_t default_download, std::int64_t default_upload) {
  transfer_limits l;
  l.download = s.alt_speed_enabled            ? bytes_per_second(s.alt_speed_down)
               : s.speed_limit_down_enabled ? bytes_per_second(s.speed_limit_down)
                                            : std::max<std::int64_t>(0, default_download);
  l.upload = s.alt_speed_enabled          ? bytes_per_second(s.alt_speed_up)
             : s.speed_limit_up_enabled ? bytes_per_second(s.speed_limit_up)
                                        : std::max<std::int64_t>(0, default_upload);
  l.peers = static_cast<std::size_t>(std::max(1, s.peer_limit_global));
  return l;
}

} // namespace actorrent
