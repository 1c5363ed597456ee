#include "protocol/swarm/smart_ban.hpp"

#include <algorithm>

#include "protocol/storage/piece_geometry.hpp"

namespace actorrent {

std::vector<sha1_digest> smart_ban::block_hashes(std::string_view piece_data) {
  std::vector<sha1_digest> out;
  for (std::size_t at = 0; at < piece_data.size(); at += block_size)
    out.push_back(sha1(piece_data.substr(at, block_size)));
  return out;
}

void smart_ban::piece_failed(std::uint32_t piece, std::vector<block_record> blocks) {
  // Bounded memory: a flood of failures cannot grow this without limit.
  if (!suspected(piece) && failures_.size() >= max_pieces_) return;
  auto& attempts = failures_[piece];
  if (attempts.size() < 8) attempts.push_back(std::move(blocks));
}

std::vector<peer_key> smart_ban::piece_passed(std::uint32_t piece, const std::vector<sha1_digest>& good) {
  std::vector<peer_key> culprits;
  auto it = failures_.find(piece);
  if (it == failures_.end()) return culprits;
  for (const auto& attempt : it->second)
    for (std::size_t i = 0; i < attempt.size() && i < good.size(); ++i)
      if (attempt[i].hash != good[i] && std::find(culprits.begin(), culprits.end(), attempt[i].sender) == culprits.end())
        culprits.push_back(attempt[i].sender);
  failures_.erase(it);
  return culprits;
}

} // namespace actorrent
