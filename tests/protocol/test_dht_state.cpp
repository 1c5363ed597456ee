// The DHT's plain state classes: routing table, tokens, lookups, peer store.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ostream>
#include <random>
#include <set>

#include "protocol/dht/dht_lookup.hpp"
#include "protocol/dht/dht_peer_store.hpp"
#include "protocol/dht/dht_saved_table.hpp"
#include "protocol/dht/dht_tokens.hpp"
#include "protocol/dht/routing_table.hpp"

using namespace actorrent;
using namespace actorrent::dht;
using namespace std::chrono_literals;

namespace {
const auto t0 = std::chrono::steady_clock::time_point{} + 1h;

node_id random_id(std::mt19937_64& rng) {
  node_id id;
  for (auto& b : id) b = static_cast<std::uint8_t>(rng());
  return id;
}
node_info node(const node_id& id, int n) { return {id, "127.0.0." + std::to_string(n % 250 + 1), static_cast<std::uint16_t>(1000 + n)}; }
// An id sharing exactly `bits` leading bits with `self`.
node_id at_depth(const node_id& self, int bits, std::mt19937_64& rng) {
  node_id id = random_id(rng);
  for (int b = 0; b <= bits && b < 160; ++b) {
    const auto mask = static_cast<std::uint8_t>(0x80u >> (b % 8));
    const bool bit = (self[b / 8] & mask) != 0;
    const bool want = b < bits ? bit : !bit;
    id[b / 8] = static_cast<std::uint8_t>(want ? (id[b / 8] | mask) : (id[b / 8] & ~mask));
  }
  return id;
}
} // namespace

namespace actorrent::dht {
std::ostream& operator<<(std::ostream& os, routing_table::added a) { return os << static_cast<int>(a); }
inline std::ostream& operator<<(std::ostream& os, const node_info& n) { return os << n.ip << ":" << n.port; }
} // namespace actorrent::dht

BOOST_AUTO_TEST_SUITE(dht_state_suite)

BOOST_AUTO_TEST_CASE(buckets_split_near_us_and_stay_at_k_far_away) {
  std::mt19937_64 rng(5);
  const node_id self = random_id(rng);
  routing_table rt(self);
  // 20 nodes in the far half (first bit differs): one bucket of 8, the rest waits.
  int n = 0;
  std::size_t inserted = 0;
  for (int i = 0; i < 20; ++i) inserted += rt.heard_from(node(at_depth(self, 0, rng), n++), t0) == routing_table::added::inserted;
  BOOST_TEST(inserted == 8u);
  // Nodes ever closer to us: the bucket holding our id keeps splitting.
  for (int depth = 1; depth < 12; ++depth)
    for (int i = 0; i < 3; ++i) rt.heard_from(node(at_depth(self, depth, rng), n++), t0);
  BOOST_TEST(rt.bucket_count() > 2u);
  BOOST_TEST(rt.size() == 8u + 11u * 3u);
  BOOST_TEST(rt.heard_from(node(self, 999), t0) == routing_table::added::ignored); // never ourselves
}

BOOST_AUTO_TEST_CASE(bad_nodes_give_way_to_replacements) {
  std::mt19937_64 rng(6);
  const node_id self = random_id(rng);
  routing_table rt(self);
  std::vector<node_info> far;
  for (int i = 0; i < 9; ++i) far.push_back(node(at_depth(self, 0, rng), i));
  for (int i = 0; i < 8; ++i) rt.heard_from(far[i], t0);
  BOOST_TEST(rt.heard_from(far[8], t0) == routing_table::added::replacement);
  // Wait: the bucket that holds our id is the first one until it splits; force a split with a close node.
  rt.heard_from(node(at_depth(self, 5, rng), 50), t0);
  rt.failed(far[0].id);
  BOOST_TEST(rt.all().size() == rt.size());
  rt.failed(far[0].id); // second failure: bad, replaced by the waiting node
  const auto all = rt.all();
  const bool gone = std::none_of(all.begin(), all.end(), [&](const node_info& x) { return x.id == far[0].id; });
  const bool in = std::any_of(all.begin(), all.end(), [&](const node_info& x) { return x.id == far[8].id; });
  BOOST_TEST(gone);
  BOOST_TEST(in);
  rt.remove(far[1].id);
  BOOST_TEST(rt.size() == 8u); // 7 far + 1 close
  // An id that turns up at another address is not believed.
  node_info moved = far[2];
  moved.port = 9;
  BOOST_TEST(rt.heard_from(moved, t0) == routing_table::added::ignored);
}

BOOST_AUTO_TEST_CASE(one_node_per_ip_and_per_public_24_in_a_bucket) {
  std::mt19937_64 rng(9);
  routing_table rt(random_id(rng));
  using added = routing_table::added;
  // A second id from an address already in the table is not believed (Sybil).
  BOOST_TEST(rt.heard_from({random_id(rng), "8.8.8.1", 6881}, t0) == added::inserted);
  BOOST_TEST(rt.heard_from({random_id(rng), "8.8.8.1", 6882}, t0) == added::ignored);
  // Another host of the same public /24, in the same bucket: refused too.
  BOOST_TEST(rt.heard_from({random_id(rng), "8.8.8.2", 6881}, t0) == added::ignored);
  BOOST_TEST(rt.heard_from({random_id(rng), "8.8.9.1", 6881}, t0) == added::inserted);
  BOOST_TEST(rt.heard_from({random_id(rng), "2001:db8::1", 6881}, t0) == added::inserted);
  BOOST_TEST(rt.heard_from({random_id(rng), "2001:db8::2", 6881}, t0) == added::ignored); // same /64
  // Loopback and private ranges are exempt from the subnet rule (LANs, tests).
  BOOST_TEST(rt.heard_from({random_id(rng), "192.168.1.10", 6881}, t0) == added::inserted);
  BOOST_TEST(rt.heard_from({random_id(rng), "192.168.1.11", 6881}, t0) == added::inserted);
  BOOST_TEST(rt.heard_from({random_id(rng), "127.0.0.5", 6881}, t0) == added::inserted);
  BOOST_TEST(rt.heard_from({random_id(rng), "127.0.0.6", 6881}, t0) == added::inserted);
  BOOST_TEST(rt.size() == 7u);
}

BOOST_AUTO_TEST_CASE(closest_are_ordered_by_xor_distance) {
  std::mt19937_64 rng(7);
  const node_id self = random_id(rng);
  routing_table rt(self);
  for (int i = 0; i < 200; ++i) rt.heard_from(node(random_id(rng), i), t0);
  const node_id target = random_id(rng);
  const auto c = rt.closest(target, 8);
  BOOST_REQUIRE(c.size() == 8u);
  for (std::size_t i = 1; i < c.size(); ++i) BOOST_TEST(closer(target, c[i - 1].id, c[i].id));
  for (const auto& x : rt.all()) // nothing outside is closer than the 8th
    if (std::find(c.begin(), c.end(), x) == c.end()) BOOST_TEST(!closer(target, x.id, c.back().id));
  BOOST_TEST(rt.questionable(t0 + 10min).empty());
  BOOST_TEST(rt.questionable(t0 + 16min).size() == rt.size());
  const auto targets = rt.refresh_targets(t0 + 16min, 1);
  BOOST_TEST(targets.size() == rt.bucket_count());
  BOOST_TEST(rt.refresh_targets(t0 + 17min, 2).empty()); // just refreshed
}

BOOST_AUTO_TEST_CASE(tokens_are_bound_to_the_ip_and_expire_after_two_rotations) {
  token_keeper keeper(42);
  const std::string t = keeper.make("127.0.0.2");
  BOOST_TEST(keeper.valid(t, "127.0.0.2"));
  BOOST_TEST(!keeper.valid(t, "127.0.0.3"));
  BOOST_TEST(!keeper.valid("forged", "127.0.0.2"));
  keeper.rotate(43);
  BOOST_TEST(keeper.valid(t, "127.0.0.2")); // 5-10 minutes: still good
  keeper.rotate(44);
  BOOST_TEST(!keeper.valid(t, "127.0.0.2"));
}

BOOST_AUTO_TEST_CASE(lookup_converges_on_the_closest_nodes) {
  // A simulated network of 300 nodes; each answers with the 8 closest to the target it knows.
  std::mt19937_64 rng(9);
  std::vector<node_info> net;
  for (int i = 0; i < 300; ++i) net.push_back(node(random_id(rng), i));
  const node_id target = random_id(rng);
  auto sorted = net;
  std::sort(sorted.begin(), sorted.end(), [&](const node_info& a, const node_info& b) { return closer(target, a.id, b.id); });
  auto answer = [&](const node_info& asked) {
    // Each node knows 30 random others plus (if close) some of the closest.
    std::vector<node_info> knows;
    std::mt19937_64 r(asked.port);
    for (int i = 0; i < 30; ++i) knows.push_back(net[r() % net.size()]);
    if (common_prefix_bits(asked.id, target) >= 2) knows.insert(knows.end(), sorted.begin(), sorted.begin() + 12);
    std::sort(knows.begin(), knows.end(), [&](const node_info& a, const node_info& b) { return closer(target, a.id, b.id); });
    knows.resize(8);
    return knows;
  };
  lookup l(target, {net[0], net[1], net[2]});
  int rounds = 0;
  while (!l.done() && ++rounds < 200) {
    auto batch = l.next_queries();
    BOOST_TEST(batch.size() <= lookup::alpha);
    BOOST_TEST(l.in_flight() <= lookup::alpha);
    for (const auto& n : batch) {
      if (n.port % 7 == 0) l.failed(n.id); // some never answer
      else l.answered(n.id, answer(n), "tok" + std::to_string(n.port));
    }
  }
  BOOST_TEST(l.done());
  const auto best = l.closest_answered();
  BOOST_REQUIRE(!best.empty());
  // It found the closest answering node of the whole network.
  const auto closest_alive = *std::find_if(sorted.begin(), sorted.end(), [](const node_info& n) { return n.port % 7 != 0; });
  BOOST_TEST(best.front().first.id == closest_alive.id);
  BOOST_TEST(best.front().second == "tok" + std::to_string(closest_alive.port));
}

BOOST_AUTO_TEST_CASE(peer_store_is_bounded_and_expires) {
  peer_store s;
  node_id h{};
  for (int i = 0; i < 300; ++i) s.announce(h, {"127.0.0.1", static_cast<std::uint16_t>(1000 + i), std::nullopt}, t0);
  BOOST_TEST(s.peers(h, 1000, t0).size() == peer_store::max_peers_per_torrent);
  BOOST_TEST(s.peers(h, 50, t0).size() == 50u);
  BOOST_TEST(s.peers(h, 50, t0).front().port == 1299); // newest first
  for (int i = 0; i < 3000; ++i) {
    node_id other{};
    other[0] = static_cast<std::uint8_t>(i);
    other[1] = static_cast<std::uint8_t>(i >> 8);
    other[2] = 1;
    s.announce(other, {"127.0.0.1", 1, std::nullopt}, t0);
  }
  BOOST_TEST(s.torrents() == peer_store::max_torrents);
  BOOST_TEST(s.peers(h, 10, t0 + 31min).empty());
  s.expire(t0 + 31min);
  BOOST_TEST(s.torrents() == 0u);
}

BOOST_AUTO_TEST_CASE(saved_table_round_trip_and_bad_files) {
  saved_table t;
  t.id.fill(7);
  t.nodes = {{node_id{}, "127.0.0.2", 6881}, {t.id, "10.0.0.1", 1}};
  const auto back = decode_saved_table(encode_saved_table(t));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->id == t.id);
  BOOST_TEST(back->nodes == t.nodes);
  for (const std::string bad : {std::string(""), std::string("junk"), std::string("d2:id3:abce"),
                                std::string("d2:id20:aaaaaaaaaaaaaaaaaaaa5:nodes5:abcdee")})
    BOOST_TEST(!decode_saved_table(bad).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
