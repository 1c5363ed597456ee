#include "protocol/swarm/peer_book.hpp"

#include <algorithm>

namespace actorrent {

namespace {

using namespace std::chrono_literals;

bool is_loopback(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "::1" || host == "localhost";
}

} // namespace

std::string peer_book::ban_key(const peer_address& who) {
  return is_loopback(who.host) ? who.to_string() : who.host;
}

void peer_book::ban(const peer_address& who, clock::duration how_long, clock::time_point now) {
  if (bans_.size() >= o_.max_bans) {
    for (auto it = bans_.begin(); it != bans_.end();) it = it->second <= now ? bans_.erase(it) : std::next(it);
    if (bans_.size() >= o_.max_bans) // all live: the one ending soonest goes
      bans_.erase(std::min_element(bans_.begin(), bans_.end(), [](const auto& a, const auto& b) { return a.second < b.second; }));
  }
  auto& until = bans_[ban_key(who)];
  until = std::max(until, now + how_long);
}

bool peer_book::banned(const peer_address& who, clock::time_point now) const {
  auto it = bans_.find(ban_key(who));
  return it != bans_.end() && now < it->second;
}

void peer_book::make_room(std::size_t newcomers, clock::time_point now) {
  std::vector<std::map<std::string, entry>::iterator> entries;
  std::vector<listed_peer> view;
  for (auto it = peers_.begin(); it != peers_.end(); ++it) {
    entries.push_back(it);
    view.push_back({it->second.connected || it->second.connecting, banned(it->second.address, now), it->second.failures});
  }
  for (std::size_t i : peers_to_evict(view, newcomers, o_.cap)) peers_.erase(entries[i]);
}

std::size_t peer_book::add(const std::vector<peer_address>& found, clock::time_point now, std::size_t limit) {
  std::vector<const peer_address*> fresh;
  for (const auto& a : found) {
    if (a.port == 0 || a.host.empty()) continue;
    if (is_loopback(a.host) && a.port == o_.own_port) continue; // trackers list the announcing client too
    if (banned(a, now) || peers_.count(a.to_string())) continue;
    fresh.push_back(&a);
  }
  const std::size_t room = std::min(o_.cap, limit);
  if (fresh.empty() || peers_.size() >= limit) return 0;
  if (peers_.size() + fresh.size() > o_.cap) make_room(fresh.size(), now);
  std::size_t added = 0;
  for (const peer_address* a : fresh) {
    if (peers_.size() >= room) break;
    entry e;
    e.address = *a;
    added += peers_.emplace(a->to_string(), std::move(e)).second;
  }
  return added;
}

void peer_book::add_incoming(const peer_address& from, peer_key key) {
  entry e;
  e.address = from;
  e.connected = true;
  e.incoming = true;
  e.key = key;
  peers_[from.to_string()] = std::move(e);
}

std::size_t peer_book::active() const {
  std::size_t n = 0;
  for (const auto& [id, p] : peers_) n += p.connected || p.connecting;
  return n;
}

std::vector<peer_address> peer_book::to_dial(std::size_t max_active, clock::time_point now) {
  std::vector<peer_address> out;
  std::size_t open = active();
  for (auto& [id, p] : peers_) {
    if (open >= max_active) break;
    if (p.connected || p.connecting || p.incoming || now < p.next_attempt || banned(p.address, now)) continue;
    p.connecting = true;
    ++open;
    out.push_back(p.address);
  }
  return out;
}

void peer_book::dial_failed(const std::string& id, clock::time_point now) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  auto& p = it->second;
  p.connecting = false;
  ++p.failures;
  p.next_attempt = now + std::min<clock::duration>(std::chrono::seconds(2 << std::min(p.failures, 6)), o_.max_backoff);
}

void peer_book::dial_abandoned(const std::string& id) {
  if (auto it = peers_.find(id); it != peers_.end()) it->second.connecting = false;
}

bool peer_book::dial_succeeded(const std::string& id, peer_key key) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return false;
  auto& p = it->second;
  p.connecting = false;
  p.connected = true;
  p.failures = 0;
  p.key = key;
  return true;
}

void peer_book::delivered(const std::string& id, std::int64_t bytes) {
  if (auto* p = find(id)) p->delivered += bytes;
}

peer_book::entry* peer_book::find(const std::string& id) {
  auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : &it->second;
}

peer_book::outcome peer_book::ended(const std::string& id, peer_ending why, clock::time_point now) {
  outcome out;
  auto it = peers_.find(id);
  if (it == peers_.end()) return out;
  entry& p = it->second;
  p.connected = false;
  p.connecting = false;
  const auto ban_for = [&](clock::duration d) {
    out.newly_banned = !banned(p.address, now);
    ban(p.address, d, now);
  };
  switch (why) {
  case peer_ending::shutdown:
  case peer_ending::banned: break;
  case peer_ending::redundant: p.next_attempt = now + 30min; break;
  case peer_ending::duplicate: p.next_attempt = now + 5min; break;
  case peer_ending::misbehaved: ban_for(o_.ban_time); break;
  case peer_ending::self_connection: ban_for(24h); break;
  case peer_ending::closed:
    ++p.failures;
    p.next_attempt = now + std::min<clock::duration>(std::chrono::seconds(1 << std::min(p.failures, 7)), o_.max_backoff);
    break;
  case peer_ending::crashed:
    // Only crashes without progress count against the budget: a peer that
    // delivered data since its last start is flaky, not crash-looping.
    if (p.delivered >= static_cast<std::int64_t>(block_size)) p.restarts.clear();
    p.delivered = 0;
    p.restarts.push_back(now);
    while (!p.restarts.empty() && now - p.restarts.front() > o_.restart_window) p.restarts.pop_front();
    out.crashes = p.restarts.size();
    if (p.restarts.size() >= o_.restart_budget) {
      ban_for(o_.ban_time);
    } else if (!p.incoming) {
      // At once the first time, then backing off while it keeps failing.
      const auto delay = std::chrono::milliseconds(100) * (1 << std::min<std::size_t>(p.restarts.size() - 1, 5));
      p.next_attempt = now + delay;
      out.restart_in = delay;
    }
    break;
  }
  if (p.incoming) peers_.erase(it); // its port was the far end's: nobody listens there
  return out;
}

std::vector<peer_address> peer_book::dialable_connected() const {
  std::vector<peer_address> out;
  for (const auto& [id, p] : peers_) {
    if (!p.connected) continue;
    if (!p.incoming)
      out.push_back(p.address);
    else if (p.listen_port != 0)
      out.push_back({p.address.host, p.listen_port});
  }
  return out;
}

} // namespace actorrent
