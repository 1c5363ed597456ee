#include "protocol/dht/dht_lookup.hpp"

#include <algorithm>

namespace actorrent::dht {

lookup::lookup(node_id target, const std::vector<node_info>& seeds) : target_(target) {
  for (const auto& n : seeds) add(n);
}

void lookup::add(const node_info& n) {
  for (const auto& c : candidates_)
    if (c.info.id == n.id) return;
  auto at = std::lower_bound(candidates_.begin(), candidates_.end(), n,
                             [&](const candidate& c, const node_info& x) { return closer(target_, c.info.id, x.id); });
  candidates_.insert(at, candidate{n, state::fresh, {}});
  if (candidates_.size() > max_candidates) candidates_.pop_back();
}

std::vector<node_info> lookup::next_queries() {
  std::vector<node_info> out;
  std::size_t flying = in_flight();
  std::size_t settled = 0; // of the closest k that are not failed
  for (auto& c : candidates_) {
    if (flying >= alpha || settled >= k) break;
    if (c.st == state::failed) continue;
    ++settled;
    if (c.st != state::fresh) continue;
    c.st = state::asked;
    ++flying;
    out.push_back(c.info);
  }
  return out;
}

void lookup::answered(const node_id& from, const std::vector<node_info>& closer_nodes, const std::string& token) {
  for (auto& c : candidates_)
    if (c.info.id == from && c.st == state::asked) {
      c.st = state::answered;
      c.token = token;
      break;
    }
  for (const auto& n : closer_nodes) add(n);
}

void lookup::failed(const node_id& from) {
  for (auto& c : candidates_)
    if (c.info.id == from && c.st == state::asked) c.st = state::failed;
}

std::size_t lookup::in_flight() const {
  return static_cast<std::size_t>(
      std::count_if(candidates_.begin(), candidates_.end(), [](const candidate& c) { return c.st == state::asked; }));
}

bool lookup::done() const {
  if (in_flight() > 0) return false;
  std::size_t settled = 0;
  for (const auto& c : candidates_) {
    if (c.st == state::failed) continue;
    if (c.st == state::fresh) return false; // a close node nobody asked yet
    if (++settled >= k) break;
  }
  return true;
}

std::vector<std::pair<node_info, std::string>> lookup::closest_answered() const {
  std::vector<std::pair<node_info, std::string>> out;
  for (const auto& c : candidates_) {
    if (c.st != state::answered) continue;
    out.emplace_back(c.info, c.token);
    if (out.size() == k) break;
  }
  return out;
}

} // namespace actorrent::dht
