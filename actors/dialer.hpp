#pragma once
// Outgoing TCP connects for the whole engine on one thread.
//
// caf::io connects with a blocking connect() (see ../shared/docs/caf-0.17.md),
// which against an unresponsive address holds the thread for minutes, and a
// thread per dial makes the thread count grow with peers. So the dialer
// starts non-blocking connects and waits for all of them in one poll() loop;
// the connected socket is then handed to a broker (add_scribe). Host names
// (rare: BEP 3 trackers may give one) are looked up on the network pool.
#include <caf/fwd.hpp>

namespace actorrent {

// Answers (connect_atom, peer_address, timeout in ms: std::int32_t) with the
// connected socket (int, TCP_NODELAY set, the caller owns it) or an error.
caf::actor spawn_dialer(caf::actor_system& sys, caf::actor network_pool);

} // namespace actorrent
