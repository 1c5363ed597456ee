#include <boost/test/unit_test.hpp>

#include "protocol/swarm/peer_list_cap.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(peer_list_cap_suite)

BOOST_AUTO_TEST_CASE(below_the_cap_nothing_is_evicted) {
  const std::vector<listed_peer> peers(10, listed_peer{false, false, 3});
  BOOST_TEST(peers_to_evict(peers, 5, 15).empty());
  BOOST_TEST(peers_to_evict({}, 3000).empty());
}

BOOST_AUTO_TEST_CASE(failed_peers_make_room_most_failures_first) {
  std::vector<listed_peer> peers(6);
  peers[0].failures = 1;
  peers[1].failures = 4;
  peers[2].failures = 2;
  peers[3].failures = 4;
  // 6 held, cap 6, 2 newcomers: the two with 4 failures go (lower index first on ties).
  BOOST_TEST(peers_to_evict(peers, 2, 6) == (std::vector<std::size_t>{1, 3}), boost::test_tools::per_element());
  BOOST_TEST(peers_to_evict(peers, 3, 6) == (std::vector<std::size_t>{1, 3, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(peers_in_use_banned_or_untried_are_kept) {
  std::vector<listed_peer> peers = {{true, false, 9}, {false, true, 9}, {false, false, 0}, {false, false, 1}};
  // Only index 3 may go, however many newcomers there are: the rest of them are dropped.
  BOOST_TEST(peers_to_evict(peers, 1000, 4) == (std::vector<std::size_t>{3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
