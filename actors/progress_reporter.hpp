#pragma once
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"

namespace actorrent {

// Spawns the progress reporter. While existing data is checked it shows
// (check_atom, done, total) as a checking line with an ETA. Once it knows the
// scheduler (join_atom), it asks it once a second for download_stats and the
// session for swarm_stats (stats_atom), then draws one status line on a
// terminal, a plain line every 5 s otherwise, or a JSON object per second with
// --json. Nothing with --quiet.
progress_actor spawn_progress_reporter(caf::actor_system& sys, context_ptr ctx, caf::actor session);

} // namespace actorrent
