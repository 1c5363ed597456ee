#pragma once
// Views of fixed-size byte arrays (digests, peer ids) as raw byte strings.
#include <array>
#include <cstdint>
#include <string_view>

namespace actorrent {

template <std::size_t N>
std::string_view as_bytes(const std::array<std::uint8_t, N>& a) {
  return {reinterpret_cast<const char*>(a.data()), N};
}

} // namespace actorrent
