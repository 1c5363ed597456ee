#pragma once
// The limits a torrent and the engine are held to, from what the RPC keeps:
// Transmission's figures (speed in its kB of `speed_unit` bytes) turned into
// bytes per second and connection counts for the live limits.
#include <cstddef>
#include <cstdint>

#include "protocol/engine/session_settings.hpp"
#include "protocol/engine/torrent_record.hpp"

namespace actorrent {

// Transmission's speed unit (session-get's units.speed-bytes): RPC limits are in kB of this many bytes.
constexpr std::int64_t speed_unit = 1000;

struct transfer_limits {
  std::int64_t download = 0; // bytes/s, 0: unlimited
  std::int64_t upload = 0;
  std::size_t peers = 0;
};

// A torrent's own: a limit of 0 kB/s is "nothing", the least the buckets keep (1 B/s).
transfer_limits torrent_limits_of(const torrent_record& r);

// The engine's, shared by the torrents that honour session limits: the
// alternative speeds while turtle mode is on, else the speed limits when
// enabled, else the daemon's --max-download-rate/--max-upload-rate (bytes/s).
transfer_limits engine_limits_of(const session_settings& s, std::int64_t default_download, std::int64_t default_upload);

} // namespace actorrent
