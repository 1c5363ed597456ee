#pragma once
// Views of fixed-size byte arrays (digests, peer ids) as raw byte strings.
#include <array>
#include <cstdint>
#include <string_view>

namespace actorrent {

// The value of one hexadecimal digit, or -1.
inline int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <std::size_t N>
std::string_view as_bytes(const std::array<std::uint8_t, N>& a) {
  return {reinterpret_cast<const char*>(a.data()), N};
}

} // namespace actorrent
