#include "protocol/swarm/piece_picker.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace actorrent {

namespace {
bool contains(const std::vector<peer_key>& v, peer_key k) {
  return std::find(v.begin(), v.end(), k) != v.end();
}
void erase_value(std::vector<peer_key>& v, peer_key k) {
  v.erase(std::remove(v.begin(), v.end(), k), v.end());
}
} // namespace

piece_picker::piece_picker(piece_geometry geometry, picker_options options)
    : geometry_(geometry), options_(options), have_(geometry.piece_count()),
      awaiting_hash_(geometry.piece_count()), availability_(geometry.piece_count(), 0),
      tie_break_(geometry.piece_count()),
      rng_(options.seed != 0 ? options.seed : std::random_device{}()) {
  for (auto& t : tie_break_) t = static_cast<std::uint32_t>(rng_());
  missing_wanted_ = geometry.piece_count();
}

void piece_picker::count_missing() {
  missing_wanted_ = 0;
  for (std::uint32_t p = 0; p < geometry_.piece_count(); ++p)
    if (ranked(p) && !have_.test(p)) ++missing_wanted_;
}

void piece_picker::set_ranks(std::vector<std::uint8_t> ranks) {
  if (!ranks.empty() && ranks.size() != geometry_.piece_count()) throw std::invalid_argument("one rank per piece");
  ranks_ = std::move(ranks);
  count_missing();
  order_dirty_ = true;
}

void piece_picker::set_have(const bitfield& have) {
  for (std::uint32_t p = 0; p < geometry_.piece_count(); ++p)
    if (have.test(p)) piece_verified(p);
}

void piece_picker::add_peer(peer_key peer) {
  peers_.try_emplace(peer, peer_entry{bitfield(geometry_.piece_count()), 0});
}

void piece_picker::change_availability(const bitfield& has, int delta) {
  for (std::uint32_t p = 0; p < has.size(); ++p)
    if (has.test(p)) availability_[p] = static_cast<std::uint32_t>(static_cast<int>(availability_[p]) + delta);
  order_dirty_ = true;
}

void piece_picker::peer_bitfield(peer_key peer, const bitfield& has) {
  add_peer(peer);
  auto& e = peers_.at(peer);
  change_availability(e.has, -1);
  e.has = has;
  change_availability(e.has, +1);
}

void piece_picker::peer_have(peer_key peer, std::uint32_t piece) {
  add_peer(peer);
  if (peers_.at(peer).has.set(piece)) {
    ++availability_[piece];
    order_dirty_ = true;
  }
}

void piece_picker::remove_peer(peer_key peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  release_requests(peer);
  change_availability(it->second.has, -1);
  peers_.erase(it);
}

void piece_picker::release_requests(peer_key peer) {
  for (auto& [piece, ap] : active_)
    for (auto& b : ap.blocks) {
      if (b.state != block_state::requested || !contains(b.requesters, peer)) continue;
      erase_value(b.requesters, peer);
      if (b.requesters.empty()) {
        b.state = block_state::free;
        ++rerequested_;
      }
    }
}

void piece_picker::release_block(peer_key peer, const block_ref& block) {
  auto it = active_.find(block.piece);
  if (it == active_.end() || block.begin % block_size != 0) return;
  const std::size_t index = block.begin / block_size;
  if (index >= it->second.blocks.size() || make_ref(block.piece, index) != block) return;
  auto& b = it->second.blocks[index];
  if (b.state != block_state::requested || !contains(b.requesters, peer)) return;
  erase_value(b.requesters, peer);
  if (b.requesters.empty()) {
    b.state = block_state::free;
    ++rerequested_;
  }
}

bool piece_picker::wanted(std::uint32_t piece) const {
  return ranked(piece) && !have_.test(piece) && !awaiting_hash_.test(piece) && active_.count(piece) == 0;
}

void piece_picker::rebuild_order() {
  order_.clear();
  order_done_ = 0;
  for (std::uint32_t p = 0; p < geometry_.piece_count(); ++p)
    if (ranked(p) && !have_.test(p) && !awaiting_hash_.test(p)) order_.push_back(p);
  // Higher rank first. Within a rank: until a few pieces are done, a random
  // order (so that some piece completes soon and we have something to
  // trade); rarest first after that. Sequential is by index.
  const bool sequential = options_.policy == piece_policy::sequential;
  const bool by_rarity = options_.policy == piece_policy::rarest && have_.count() >= options_.random_first_pieces;
  const auto rank = [&](std::uint32_t p) { return ranks_.empty() ? 0 : ranks_[p]; };
  std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (rank(a) != rank(b)) return rank(a) > rank(b);
    if (sequential) return a < b;
    if (by_rarity && availability_[a] != availability_[b]) return availability_[a] < availability_[b];
    return tie_break_[a] < tie_break_[b];
  });
  order_dirty_ = false;
}

const char* policy_name(piece_policy p) {
  switch (p) {
    case piece_policy::sequential: return "sequential";
    case piece_policy::random: return "random";
    default: return "rarest";
  }
}

bool policy_from_name(const std::string& name, piece_policy& out) {
  for (auto p : {piece_policy::rarest, piece_policy::sequential, piece_policy::random})
    if (name == policy_name(p)) {
      out = p;
      return true;
    }
  return false;
}

block_ref piece_picker::make_ref(std::uint32_t piece, std::size_t block) const {
  const auto index = static_cast<std::uint32_t>(block);
  return {piece, index * block_size, geometry_.block_length(piece, index)};
}

void piece_picker::take_blocks(active_piece& ap, std::uint32_t piece, peer_key peer, std::size_t max,
                               clock::time_point now, std::vector<block_ref>& out, bool endgame) {
  for (std::size_t i = 0; i < ap.blocks.size() && out.size() < max; ++i) {
    auto& b = ap.blocks[i];
    const bool take = endgame ? b.state == block_state::requested && !contains(b.requesters, peer) &&
                                    b.requesters.size() < options_.endgame_max_requesters
                              : b.state == block_state::free;
    if (!take) continue;
    if (b.state == block_state::free)
      b.requested_at = now;
    else
      ++rerequested_; // an endgame duplicate
    b.state = block_state::requested;
    b.requesters.push_back(peer);
    out.push_back(make_ref(piece, i));
  }
}

std::vector<block_ref> piece_picker::pick(peer_key peer, std::size_t max_blocks, clock::time_point now) {
  std::vector<block_ref> out;
  auto pe = peers_.find(peer);
  if (pe == peers_.end() || max_blocks == 0) return out;
  const bitfield& has = pe->second.has;

  // 1. Partial pieces first, the most advanced first, so pieces complete (and
  //    can be shared and saved) rather than many being half done.
  std::vector<std::pair<std::size_t, std::uint32_t>> partial;
  for (auto& [piece, ap] : active_)
    if (has.test(piece)) partial.emplace_back(ap.received, piece);
  std::sort(partial.begin(), partial.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (auto& [progress, piece] : partial) {
    take_blocks(active_.at(piece), piece, peer, max_blocks, now, out, false);
    if (out.size() >= max_blocks) return out;
  }

  // 2. New pieces in policy order, past the prefix already verified.
  if (order_dirty_) rebuild_order();
  while (order_done_ < order_.size() && have_.test(order_[order_done_])) ++order_done_;
  for (std::size_t i = order_done_; i < order_.size(); ++i) {
    const std::uint32_t piece = order_[i];
    if (out.size() >= max_blocks) return out;
    if (!has.test(piece) || !wanted(piece)) continue;
    auto& ap = active_[piece];
    ap.blocks.resize(geometry_.blocks_in_piece(piece));
    take_blocks(ap, piece, peer, max_blocks, now, out, false);
  }

  // 3. Endgame: nothing left to start, so double up on blocks others hold.
  if (out.size() < max_blocks && in_endgame())
    for (auto& [progress, piece] : partial) {
      take_blocks(active_.at(piece), piece, peer, max_blocks, now, out, true);
      if (out.size() >= max_blocks) break;
    }
  return out;
}

bool piece_picker::in_endgame() const {
  // Every missing wanted piece is in progress (a piece awaiting its hash is
  // still in active_).
  return !done() && missing_wanted_ <= active_.size();
}

piece_picker::arrival piece_picker::block_received(peer_key peer, const block_ref& block) {
  arrival r;
  auto it = active_.find(block.piece);
  if (it == active_.end() || block.begin % block_size != 0) return r;
  auto& ap = it->second;
  const std::size_t index = block.begin / block_size;
  if (index >= ap.blocks.size() || make_ref(block.piece, index) != block) return r;
  auto& b = ap.blocks[index];
  if (b.state == block_state::received) return r;
  for (peer_key other : b.requesters)
    if (other != peer) r.cancel.push_back(other);
  b.requesters.clear();
  b.state = block_state::received;
  if (!contains(ap.contributors, peer)) ap.contributors.push_back(peer);
  r.useful = true;
  if (++ap.received == ap.blocks.size()) {
    r.piece_complete = true;
    awaiting_hash_.set(block.piece);
  }
  return r;
}

void piece_picker::piece_verified(std::uint32_t piece) {
  active_.erase(piece);
  awaiting_hash_.reset(piece);
  // A verified piece stays in order_ (pick() skips it), so no re-sort: a
  // re-sort per piece was 6% of a 1 GiB download's CPU. Only the switch from
  // random to rarest first changes the order.
  const bool fresh = have_.set(piece);
  if (fresh && ranked(piece)) --missing_wanted_;
  if (fresh && options_.policy == piece_policy::rarest && have_.count() == options_.random_first_pieces)
    order_dirty_ = true;
}

std::vector<peer_key> piece_picker::piece_failed(std::uint32_t piece, bool blame) {
  std::vector<peer_key> ban;
  auto it = active_.find(piece);
  if (it != active_.end()) {
    rerequested_ += it->second.blocks.size();
    if (blame && it->second.contributors.size() == 1) {
      const peer_key p = it->second.contributors.front();
      auto pe = peers_.find(p);
      if (pe != peers_.end() && ++pe->second.failed_pieces >= options_.ban_after_failed_pieces) ban.push_back(p);
    }
    // Requests other peers still hold for this piece are dropped with it.
    active_.erase(it);
  }
  awaiting_hash_.reset(piece);
  order_dirty_ = true;
  return ban;
}

std::vector<std::pair<peer_key, block_ref>> piece_picker::expire(clock::time_point now) {
  std::vector<std::pair<peer_key, block_ref>> out;
  for (auto& [piece, ap] : active_)
    for (std::size_t i = 0; i < ap.blocks.size(); ++i) {
      auto& b = ap.blocks[i];
      if (b.state != block_state::requested || now - b.requested_at < options_.request_timeout) continue;
      for (peer_key p : b.requesters) out.emplace_back(p, make_ref(piece, i));
      b.requesters.clear();
      b.state = block_state::free;
      ++rerequested_;
    }
  return out;
}

bool piece_picker::interesting(peer_key peer) const {
  auto pe = peers_.find(peer);
  if (pe == peers_.end()) return false;
  const bitfield& has = pe->second.has;
  for (std::uint32_t p = 0; p < has.size(); ++p)
    if (has.test(p) && !have_.test(p) && ranked(p)) return true;
  return false;
}

std::size_t piece_picker::requests_outstanding() const {
  std::size_t n = 0;
  for (const auto& [piece, ap] : active_)
    for (const auto& b : ap.blocks) n += b.requesters.size();
  return n;
}

std::size_t piece_picker::peer_failures(peer_key peer) const {
  auto pe = peers_.find(peer);
  return pe == peers_.end() ? 0 : pe->second.failed_pieces;
}

} // namespace actorrent
