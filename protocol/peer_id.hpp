#pragma once
// Peer ids in the Azureus style: "-AT0001-" followed by 12 random characters.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/bytes.hpp"

namespace actorrent {

using peer_id = std::array<std::uint8_t, 20>;

inline constexpr std::string_view peer_id_prefix = "-AT0001-";

// A fresh id from the system's random device (alphanumerics, so logs stay readable).
peer_id make_peer_id();
// A deterministic id for reproducible runs and tests.
peer_id make_peer_id(std::uint64_t seed);

// "libtorrent 2.0.8" for "-LT2080-...", the printable id otherwise: for logs.
std::string describe_peer_id(const peer_id& id);

// Two connections to one peer (say it dialled us while we dialled it): one
// must go, and both ends must drop the same one, or each drops a different
// connection and none is left. Same direction: keep the older. Otherwise, as
// libtorrent does, keep the connection opened by the side with the larger id.
enum class keep_connection { existing, newcomer };
keep_connection resolve_duplicate(bool existing_outgoing, bool newcomer_outgoing, const peer_id& ours,
                                  const peer_id& theirs);

} // namespace actorrent
