// The queue order and Transmission's queue moves.
#include <boost/test/unit_test.hpp>

#include <vector>

#include "protocol/engine/queue_order.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(queue_order_suite)

BOOST_AUTO_TEST_CASE(the_order_goes_by_position_and_keeps_ties_in_the_given_order) {
  BOOST_TEST((queue_order({{7, 2}, {3, 0}, {5, 2}, {9, 1}}) == std::vector<int>{3, 9, 7, 5}));
}

BOOST_AUTO_TEST_CASE(a_moved_torrent_takes_the_position_asked_and_the_rest_close_up) {
  // 1..4 at 0..3; torrent 4 asks for position 0, torrent 1 for position 2.
  BOOST_TEST((place_moved({{1, 0}, {2, 1}, {3, 2}, {4, 0}}, {4}) == std::vector<int>{4, 1, 2, 3}));
  BOOST_TEST((place_moved({{1, 2}, {2, 1}, {3, 2}, {4, 3}}, {1}) == std::vector<int>{2, 3, 1, 4}));
  // A position past the end puts it last; gaps in the others close.
  BOOST_TEST((place_moved({{1, 99}, {2, 5}, {3, 9}}, {1}) == std::vector<int>{2, 3, 1}));
}

BOOST_AUTO_TEST_CASE(queue_moves_keep_the_chosen_in_their_order) {
  const std::vector<int> order{1, 2, 3, 4, 5};
  BOOST_TEST((move_in_queue(order, {4, 2}, queue_move::top) == std::vector<int>{2, 4, 1, 3, 5}));
  BOOST_TEST((move_in_queue(order, {1, 3}, queue_move::bottom) == std::vector<int>{2, 4, 5, 1, 3}));
  BOOST_TEST((move_in_queue(order, {1, 2, 4}, queue_move::up) == std::vector<int>{1, 2, 4, 3, 5}));
  BOOST_TEST((move_in_queue(order, {4, 5, 2}, queue_move::down) == std::vector<int>{1, 3, 2, 4, 5}));
  BOOST_TEST((move_in_queue(order, {}, queue_move::top) == order));
}

BOOST_AUTO_TEST_SUITE_END()
