#pragma once
// Who keeps a connection slot. Slots are few (--max-peers) and an attacker's
// connections cost it nothing, so a slot must be earned by being useful:
// either side interested in the other (libtorrent's "peer turnover" and
// Transmission's purge of idle peers do the same).
//
// - At the limit, a newcomer replaces the connection that has been useless
//   longest (neither side interested for at least `grace`); with none such it
//   is refused. The grace keeps newcomers from replacing each other before
//   they had a chance to say what they want.
// - Connections useless for `idle_limit` are dropped even below the limit.
//
// Plain functions over a snapshot: the session calls them with its bookkeeping.
#include <chrono>
#include <optional>
#include <vector>

#include "protocol/swarm/piece_picker.hpp"

namespace actorrent {

struct slot_holder {
  peer_key key = 0;
  // When it was last useful: either side interested (its connection time until then).
  std::chrono::steady_clock::time_point useful_at{};
};

struct turnover_options {
  std::chrono::seconds grace{10};
  std::chrono::seconds idle_limit{300};
};

// The connection a newcomer may replace when every slot is taken, if any.
std::optional<peer_key> slot_for_newcomer(const std::vector<slot_holder>& holders, std::chrono::steady_clock::time_point now,
                                          const turnover_options& options = {});

// Connections useless for longer than options.idle_limit.
std::vector<peer_key> idle_connections(const std::vector<slot_holder>& holders, std::chrono::steady_clock::time_point now,
                                       const turnover_options& options = {});

} // namespace actorrent
