#pragma once
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"

namespace actorrent {

// Spawns the tracker client; its announces run on the network pool (libcurl
// blocks), one at a time. It asks the
// session for transfer totals with (announce_atom) -> transfer_totals before
// each announce, sends (tracker_atom, tracker_news) after each one, and
// re-announces at the tracker's interval.
tracker_actor spawn_tracker(caf::actor_system& sys, context_ptr ctx, caf::actor session);

} // namespace actorrent
