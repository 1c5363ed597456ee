#include "protocol/wire/allowed_fast.hpp"

#include <algorithm>
#include <string>

#include "protocol/bytes.hpp"
#include "protocol/wire/wire.hpp"

namespace actorrent {

std::vector<std::uint32_t> allowed_fast_set(const std::array<std::uint8_t, 4>& ipv4, const sha1_digest& info_hash,
                                            std::uint32_t piece_count, std::size_t k) {
  std::vector<std::uint32_t> out;
  if (piece_count == 0) return out;
  k = std::min<std::size_t>(k, piece_count);
  std::string x(reinterpret_cast<const char*>(ipv4.data()), 3);
  x.push_back('\0'); // 0xFFFFFF00 & ip
  x.append(as_bytes(info_hash));
  while (out.size() < k) {
    const sha1_digest h = sha1(x);
    x.assign(as_bytes(h));
    for (std::size_t i = 0; i < 5 && out.size() < k; ++i) {
      const std::uint32_t index = wire::read_u32(x.data() + 4 * i) % piece_count;
      if (std::find(out.begin(), out.end(), index) == out.end()) out.push_back(index);
    }
  }
  return out;
}

} // namespace actorrent
