#include "protocol/dht/routing_table.hpp"

#include <algorithm>
#include <random>

#include "protocol/tracker/tracker_codec.hpp"

namespace actorrent::dht {

routing_table::routing_table(node_id self) : self_(self), buckets_(1) {}

std::size_t routing_table::bucket_of(const node_id& id) const {
  return std::min<std::size_t>(static_cast<std::size_t>(common_prefix_bits(id, self_)), buckets_.size() - 1);
}

void routing_table::split_last() {
  const std::size_t depth = buckets_.size() - 1;
  bucket next;
  auto move_deeper = [&](std::vector<entry>& from, std::vector<entry>& to) {
    auto it = std::stable_partition(from.begin(), from.end(), [&](const entry& e) {
      return static_cast<std::size_t>(common_prefix_bits(e.info.id, self_)) == depth;
    });
    to.assign(std::make_move_iterator(it), std::make_move_iterator(from.end()));
    from.erase(it, from.end());
  };
  move_deeper(buckets_.back().nodes, next.nodes);
  move_deeper(buckets_.back().replacements, next.replacements);
  next.refreshed = buckets_.back().refreshed;
  buckets_.push_back(std::move(next));
}

namespace {

// Loopback, private and link-local ranges: many nodes per subnet are normal there.
bool local_address(const std::string& raw) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(raw[i]); };
  if (raw.size() == 4)
    return b(0) == 127 || b(0) == 10 || (b(0) == 172 && (b(1) & 0xF0) == 16) || (b(0) == 192 && b(1) == 168) ||
           (b(0) == 169 && b(1) == 254);
  if (raw.size() == 16)
    return raw == std::string(15, '\0') + '\1' || (b(0) & 0xFE) == 0xFC || (b(0) == 0xFE && (b(1) & 0xC0) == 0x80);
  return false;
}

} // namespace

bool routing_table::admits(const node_info& n, const bucket& b) const {
  for (const auto& bk : buckets_) {
    for (const auto& e : bk.nodes)
      if (e.info.ip == n.ip) return false;
    for (const auto& e : bk.replacements)
      if (e.info.ip == n.ip) return false;
  }
  const std::string raw = ip_bytes(n.ip);
  if (raw.empty() || local_address(raw)) return true;
  const std::size_t prefix = raw.size() == 4 ? 3 : 8; // /24 or /64
  for (const auto& e : b.nodes) {
    const std::string other = ip_bytes(e.info.ip);
    if (other.size() == raw.size() && other.compare(0, prefix, raw, 0, prefix) == 0) return false;
  }
  return true;
}

bool routing_table::contains(const node_id& id) const {
  const bucket& b = buckets_[bucket_of(id)];
  return std::any_of(b.nodes.begin(), b.nodes.end(), [&](const entry& e) { return e.info.id == id; });
}

routing_table::added routing_table::heard_from(const node_info& n, clock::time_point now) {
  if (n.id == self_ || n.port == 0) return added::ignored;
  for (;;) {
    bucket& b = buckets_[bucket_of(n.id)];
    for (auto& e : b.nodes)
      if (e.info.id == n.id) {
        if (e.info.ip != n.ip || e.info.port != n.port) return added::ignored; // an id moving address: not trusted
        e.last_seen = now;
        e.failures = 0;
        return added::updated;
      }
    const bool known_replacement = std::any_of(b.replacements.begin(), b.replacements.end(),
                                               [&](const entry& r) { return r.info.id == n.id; });
    if (!known_replacement && !admits(n, b)) return added::ignored;
    const auto leave_replacements = [&] {
      b.replacements.erase(std::remove_if(b.replacements.begin(), b.replacements.end(),
                                          [&](const entry& r) { return r.info.id == n.id; }),
                           b.replacements.end());
    };
    if (b.nodes.size() < k) {
      leave_replacements();
      b.nodes.push_back({n, now, 0});
      b.refreshed = now;
      return added::inserted;
    }
    // A full bucket: the one holding our id splits (up to 160 levels).
    if (&b == &buckets_.back() && buckets_.size() < 160) {
      split_last();
      continue;
    }
    // A bad node gives way at once; otherwise the newcomer waits on the replacement list.
    for (auto& e : b.nodes)
      if (e.failures >= bad_after_failures) {
        leave_replacements();
        e = {n, now, 0};
        return added::inserted;
      }
    for (auto& r : b.replacements)
      if (r.info.id == n.id) {
        r.last_seen = now;
        return added::replacement;
      }
    if (b.replacements.size() >= k) b.replacements.erase(b.replacements.begin());
    b.replacements.push_back({n, now, 0});
    return added::replacement;
  }
}

void routing_table::failed(const node_id& id) {
  bucket& b = buckets_[bucket_of(id)];
  for (auto it = b.nodes.begin(); it != b.nodes.end(); ++it) {
    if (it->info.id != id) continue;
    if (++it->failures < bad_after_failures || b.replacements.empty()) return;
    *it = b.replacements.back(); // the freshest replacement takes its place
    b.replacements.pop_back();
    return;
  }
}

void routing_table::remove(const node_id& id) {
  bucket& b = buckets_[bucket_of(id)];
  b.replacements.erase(std::remove_if(b.replacements.begin(), b.replacements.end(),
                                      [&](const entry& e) { return e.info.id == id; }),
                       b.replacements.end());
  auto it = std::find_if(b.nodes.begin(), b.nodes.end(), [&](const entry& e) { return e.info.id == id; });
  if (it == b.nodes.end()) return;
  b.nodes.erase(it);
  if (!b.replacements.empty()) {
    b.nodes.push_back(b.replacements.back());
    b.replacements.pop_back();
  }
}

std::vector<node_info> routing_table::closest(const node_id& target, std::size_t n) const {
  std::vector<node_info> out;
  for (const auto& b : buckets_)
    for (const auto& e : b.nodes)
      if (e.failures < bad_after_failures) out.push_back(e.info);
  std::sort(out.begin(), out.end(), [&](const node_info& a, const node_info& b) { return closer(target, a.id, b.id); });
  if (out.size() > n) out.resize(n);
  return out;
}

std::vector<node_info> routing_table::questionable(clock::time_point now) const {
  std::vector<node_info> out;
  for (const auto& b : buckets_)
    for (const auto& e : b.nodes)
      if (now - e.last_seen > questionable_after) out.push_back(e.info);
  return out;
}

std::vector<node_id> routing_table::refresh_targets(clock::time_point now, std::uint64_t random) {
  std::vector<node_id> out;
  std::mt19937_64 rng(random);
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    auto& b = buckets_[i];
    if (now - b.refreshed < questionable_after) continue;
    b.refreshed = now;
    // A random id sharing exactly i leading bits with ours (or at least i, for the last bucket).
    node_id id = self_;
    for (auto& byte : id) byte = static_cast<std::uint8_t>(rng());
    for (std::size_t bit = 0; bit < i; ++bit) {
      const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
      id[bit / 8] = static_cast<std::uint8_t>((id[bit / 8] & ~mask) | (self_[bit / 8] & mask));
    }
    if (i < buckets_.size() - 1 && i < 160) { // bit i differs from ours
      const auto mask = static_cast<std::uint8_t>(0x80u >> (i % 8));
      id[i / 8] = static_cast<std::uint8_t>((id[i / 8] & ~mask) | (~self_[i / 8] & mask));
    }
    out.push_back(id);
  }
  return out;
}

std::size_t routing_table::size() const {
  std::size_t n = 0;
  for (const auto& b : buckets_) n += b.nodes.size();
  return n;
}

std::vector<node_info> routing_table::all() const {
  std::vector<node_info> out;
  for (const auto& b : buckets_)
    for (const auto& e : b.nodes) out.push_back(e.info);
  return out;
}

} // namespace actorrent::dht
