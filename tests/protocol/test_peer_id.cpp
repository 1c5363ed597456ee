#include <boost/test/unit_test.hpp>

#include <cctype>
#include <set>

#include "protocol/peer_id.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(peer_id_suite)

BOOST_AUTO_TEST_CASE(azureus_style_prefix_and_random_tail) {
  std::set<peer_id> seen;
  for (int i = 0; i < 100; ++i) {
    const peer_id id = make_peer_id();
    BOOST_TEST(as_bytes(id).substr(0, 8) == "-AT0001-");
    for (std::size_t k = 8; k < id.size(); ++k) BOOST_TEST(std::isalnum(id[k]));
    seen.insert(id);
  }
  BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(seeded_ids_are_reproducible) {
  BOOST_TEST(make_peer_id(5) == make_peer_id(5));
  BOOST_TEST(make_peer_id(5) != make_peer_id(6));
}

BOOST_AUTO_TEST_CASE(describes_known_clients) {
  auto id_of = [](std::string_view s) {
    peer_id id{};
    std::copy(s.begin(), s.end(), id.begin());
    return id;
  };
  BOOST_TEST(describe_peer_id(id_of("-LT2080-abcdefghijkl")) == "libtorrent 2.0.8");
  BOOST_TEST(describe_peer_id(id_of("-TR4051-abcdefghijkl")) == "Transmission 4.0.5.1");
  BOOST_TEST(describe_peer_id(make_peer_id(1)).rfind("actorrent 0.0.0.1", 0) == 0u);
  BOOST_TEST(describe_peer_id(id_of(std::string("M7-2-3--\x01\x02rest...xxx"))) == "M7-2-3--..rest...xxx");
}

BOOST_AUTO_TEST_CASE(duplicate_connections_resolve_the_same_way_at_both_ends) {
  const peer_id a = make_peer_id(1), b = make_peer_id(2);
  // Same direction twice: the older connection stays.
  BOOST_TEST((resolve_duplicate(true, true, a, b) == keep_connection::existing));
  BOOST_TEST((resolve_duplicate(false, false, a, b) == keep_connection::existing));
  // Crossed dials: every order of arrival, seen from both ends, keeps one and the same connection.
  for (bool a_existing_outgoing : {true, false}) {
    // At a, the existing connection is a's dial (outgoing) or b's dial (incoming);
    // at b the same physical connections carry the opposite direction.
    const auto at_a = resolve_duplicate(a_existing_outgoing, !a_existing_outgoing, a, b);
    // b may see the connections arrive in either order.
    for (bool b_sees_same_order : {true, false}) {
      const bool b_existing_outgoing = b_sees_same_order ? !a_existing_outgoing : a_existing_outgoing;
      const auto at_b = resolve_duplicate(b_existing_outgoing, !b_existing_outgoing, b, a);
      // Which connection each end keeps: "a dialled" or "b dialled".
      const bool a_keeps_a_dial = (at_a == keep_connection::existing) == a_existing_outgoing;
      const bool b_keeps_a_dial = (at_b == keep_connection::existing) == !b_existing_outgoing;
      BOOST_TEST(a_keeps_a_dial == b_keeps_a_dial);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
