#pragma once
// BEP 6 allowed-fast set: the pieces a peer may request from us while we
// choke it, derived from its IPv4 /24 and the info-hash so that reconnecting
// from another address in the same /24 does not earn more.
#include <array>
#include <cstdint>
#include <vector>

#include "protocol/sha1.hpp"

namespace actorrent {

// `ipv4` in network byte order as four bytes. At most min(k, piece_count) pieces.
std::vector<std::uint32_t> allowed_fast_set(const std::array<std::uint8_t, 4>& ipv4, const sha1_digest& info_hash,
                                            std::uint32_t piece_count, std::size_t k);

} // namespace actorrent
