#pragma once
// BEP 11 peer exchange (ut_pex): compact lists of peers added and dropped
// since the last message, IPv4 and IPv6.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/wire/extension_handshake.hpp"
#include "protocol/tracker/tracker_codec.hpp"

namespace actorrent::ut_pex {

// BEP 11 allows 50 added and 50 dropped per message; twice that is refused
// as hostile (libtorrent drops a peer for a message over 500 KiB).
inline constexpr std::size_t max_per_message = 50;
inline constexpr std::size_t refuse_over = 100;

struct message {
  std::vector<peer_endpoint> added;   // both families
  std::vector<peer_endpoint> dropped;
};

// At most max_per_message of each list are encoded; hosts that are not IP
// literals are skipped.
std::string encode(const message& m);

// Throws ext::extension_error when malformed (not a dictionary, a compact
// list of the wrong length) or oversized (more than refuse_over added or
// dropped peers).
message parse(std::string_view payload);

} // namespace actorrent::ut_pex
