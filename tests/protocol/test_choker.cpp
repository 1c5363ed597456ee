#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "protocol/swarm/choker.hpp"

using namespace actorrent;
using namespace std::chrono_literals;

namespace {
const auto t0 = choker::clock::time_point{} + 10h;

choker_peer peer(peer_key k, double from, double to, bool interested = true) {
  choker_peer p;
  p.key = k;
  p.interested = interested;
  p.rate_from_peer = from;
  p.rate_to_peer = to;
  p.connected_at = t0 - 1h; // long connected: no newcomer bonus
  return p;
}

choker_options opts(std::size_t slots = 2, std::uint64_t seed = 1) {
  choker_options o;
  o.upload_slots = slots;
  o.seed = seed;
  return o;
}

bool contains(const std::vector<peer_key>& v, peer_key k) { return std::find(v.begin(), v.end(), k) != v.end(); }
} // namespace

BOOST_AUTO_TEST_SUITE(choker_suite)

BOOST_AUTO_TEST_CASE(leeching_rewards_peers_that_upload_to_us) {
  choker c(opts(2));
  const std::vector<choker_peer> peers = {peer(1, 10, 900), peer(2, 500, 0), peer(3, 300, 0), peer(4, 100, 0)};
  const auto d = c.run(peers, false, t0);
  BOOST_REQUIRE(d.unchoked.size() == 3u);
  BOOST_TEST(d.unchoked[0] == 2u);
  BOOST_TEST(d.unchoked[1] == 3u);
  BOOST_TEST(d.optimistic.has_value());
  BOOST_TEST((*d.optimistic == 1u || *d.optimistic == 4u));
}

BOOST_AUTO_TEST_CASE(seeding_favours_peers_we_upload_to_fastest) {
  choker c(opts(2));
  const std::vector<choker_peer> peers = {peer(1, 0, 100), peer(2, 0, 900), peer(3, 0, 500)};
  const auto d = c.run(peers, true, t0);
  BOOST_TEST(d.unchoked[0] == 2u);
  BOOST_TEST(d.unchoked[1] == 3u);
  BOOST_TEST(d.optimistic.value() == 1u);
}

BOOST_AUTO_TEST_CASE(uninterested_peers_are_never_unchoked) {
  choker c(opts(4));
  const std::vector<choker_peer> peers = {peer(1, 999, 999, false), peer(2, 1, 1)};
  const auto d = c.run(peers, false, t0);
  BOOST_TEST(d.unchoked == std::vector<peer_key>{2});
  BOOST_TEST(!contains(d.unchoked, 1));
}

BOOST_AUTO_TEST_CASE(snubbing_peers_lose_their_regular_slot) {
  choker c(opts(1));
  auto fast_but_snubbing = peer(1, 1000, 0);
  fast_but_snubbing.snubbed = true;
  const std::vector<choker_peer> peers = {fast_but_snubbing, peer(2, 10, 0)};
  const auto d = c.run(peers, false, t0);
  BOOST_TEST(d.unchoked.front() == 2u);
  BOOST_TEST(d.optimistic.value() == 1u); // it may still be tried optimistically
  // While seeding, snubbing means nothing (peers do not upload to a seed).
  choker s(opts(1));
  BOOST_TEST(s.run({fast_but_snubbing}, true, t0).unchoked.front() == 1u);
}

BOOST_AUTO_TEST_CASE(optimistic_slot_rotates_every_30_seconds) {
  choker c(opts(1, 7));
  std::vector<choker_peer> peers = {peer(1, 1000, 0)};
  for (peer_key k = 2; k <= 9; ++k) peers.push_back(peer(k, 0, 0));
  const auto first = c.run(peers, false, t0).optimistic.value();
  for (auto t = 10s; t < 30s; t += 10s) BOOST_TEST(c.run(peers, false, t0 + t).optimistic.value() == first);
  std::set<peer_key> seen{first};
  for (int round = 1; round <= 20; ++round) seen.insert(c.run(peers, false, t0 + round * 30s).optimistic.value());
  BOOST_TEST(seen.size() >= 4u); // it really rotates
  BOOST_TEST(!seen.count(1));    // never the peer that already has a regular slot
}

BOOST_AUTO_TEST_CASE(optimistic_peer_leaving_is_replaced_at_once) {
  choker c(opts(0, 3));
  std::vector<choker_peer> peers = {peer(1, 0, 0), peer(2, 0, 0)};
  const auto first = c.run(peers, false, t0).optimistic.value();
  peers.erase(std::remove_if(peers.begin(), peers.end(), [&](auto& p) { return p.key == first; }), peers.end());
  BOOST_TEST(c.run(peers, false, t0 + 1s).optimistic.value() != first);
}

BOOST_AUTO_TEST_CASE(newcomers_are_three_times_as_likely) {
  std::map<peer_key, int> wins;
  for (std::uint64_t seed = 1; seed <= 4000; ++seed) {
    choker c(opts(0, seed));
    auto newcomer = peer(2, 0, 0);
    newcomer.connected_at = t0 - 5s;
    ++wins[c.run({peer(1, 0, 0), newcomer}, false, t0).optimistic.value()];
  }
  const double ratio = static_cast<double>(wins[2]) / wins[1];
  BOOST_TEST(ratio > 2.6);
  BOOST_TEST(ratio < 3.4);
}

BOOST_AUTO_TEST_SUITE_END()
