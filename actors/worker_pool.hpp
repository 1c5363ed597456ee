#pragma once
// A fixed set of threads for blocking work (disk reads, hashing a recheck,
// fsync, HTTP, DNS). Torrents send jobs here instead of each owning threads,
// so the engine's thread count does not grow with torrents or peers.
#include <cstddef>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/message.hpp>

namespace actorrent {

// A job runs on a pool thread; what it returns is the reply to whoever sent
// it (a message holding a caf::error reaches the requester's error handler).
// An exception it throws becomes such an error.
using blocking_job = std::function<caf::message()>;

// Answers (job_atom, blocking_job) with the job's result. Jobs wait in one
// FIFO queue and go to whichever of the `threads` workers is free, so a slow
// job holds up one thread, never a queue behind it.
caf::actor spawn_worker_pool(caf::actor_system& sys, std::size_t threads, std::string name);

// The pools an engine shares among its torrents.
struct worker_pools {
  caf::actor disk;    // reads, checks, flushes, resume files
  caf::actor network; // tracker HTTP and UDP exchanges, name lookups
  caf::actor dialer;  // outgoing TCP connects (see actors/dialer.hpp)
};

struct worker_pool_sizes {
  std::size_t disk = 4;
  std::size_t network = 8;
};

worker_pools spawn_worker_pools(caf::actor_system& sys, worker_pool_sizes sizes);
void stop_worker_pools(const worker_pools& pools);

} // namespace actorrent

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorrent::blocking_job)
