#pragma once
// Which torrents run: Transmission's download and seed queues.
//
// A torrent the user started waits in the queue of its direction (download
// while it lacks wanted pieces, seed once it has them) until a slot is free.
// Slots go by queue position. A running torrent that moved no bytes for the
// stalled time holds no slot (it keeps running: a peer may still turn up),
// so one dead torrent cannot block the queue behind it. A forced torrent
// (torrent-start-now) is outside the queue, as in qBittorrent: it never
// waits, is never sent back and fills no slot. When the queue shrinks or a higher-placed torrent
// wants its slot, the lowest-placed running ones go back to waiting; a
// torrent that is checking its data is never interrupted.
//
// Plain data in, a plan out: the engine applies it. No clocks read here.
#include <chrono>
#include <vector>

#include "protocol/engine/session_settings.hpp"

namespace actorrent {

enum class queue_direction { download, seed };

struct queue_entry {
  int id = 0;
  int position = 0; // lower runs first; ties by id
  queue_direction direction = queue_direction::download;
  bool wants_to_run = false; // started by the user, no local error, no seeding goal reached
  bool forced = false;       // torrent-start-now
  bool running = false;      // its actors are up (or still stopping)
  bool checking = false;     // hashing its data: busy, never stopped by the queue
  std::chrono::steady_clock::time_point last_activity{}; // bytes moved, or when it started
};

struct queue_limits {
  bool download_enabled = true;
  int download_size = 5;
  bool seed_enabled = false;
  int seed_size = 10;
  bool stalled_enabled = true;
  std::chrono::seconds stalled_after = std::chrono::minutes(30);
};

queue_limits queue_limits_of(const session_settings& s);

struct queue_plan {
  std::vector<int> start; // ids, best placed first
  std::vector<int> stop;  // ids to put back in the queue
};

bool is_stalled(const queue_entry& e, const queue_limits& limits, std::chrono::steady_clock::time_point now);

queue_plan plan_queue(std::vector<queue_entry> entries, const queue_limits& limits,
                      std::chrono::steady_clock::time_point now);

} // namespace actorrent
