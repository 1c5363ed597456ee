#pragma once
// Making written data durable, as a job for the disk pool: fdatasync on the
// descriptors it is handed (syncfs for a folder's), then close them, while the
// disk writer goes on writing. A flush of a few hundred MB took the disk
// writer off the download for most of a second every two seconds (4 GiB:
// 14-18 s -> 11-14 s).
#include <string>
#include <vector>

#include "actors/worker_pool.hpp"

namespace actorrent {

// Replies flush_atom, or an error whose text names `dir` and the cause.
blocking_job flush_job(std::vector<int> fds, std::string dir);

} // namespace actorrent
