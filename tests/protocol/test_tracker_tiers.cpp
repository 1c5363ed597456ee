#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

#include "protocol/tracker/tracker_tiers.hpp"

using namespace actorrent;

namespace {
const std::vector<std::vector<std::string>> list = {{"a", "b", "c", "d"}, {"e"}, {"f", "g"}};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}
} // namespace

BOOST_AUTO_TEST_SUITE(tracker_tiers_suite)

BOOST_AUTO_TEST_CASE(shuffled_within_tiers_only) {
  std::set<std::string> firsts;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const tracker_tiers t(list, seed);
    BOOST_REQUIRE(t.tiers().size() == 3u);
    for (std::size_t i = 0; i < list.size(); ++i) BOOST_TEST(sorted(t.tiers()[i]) == list[i]); // same members, same tier
    firsts.insert(t.tiers()[0][0]);
  }
  BOOST_TEST(firsts.size() == 4u); // every tracker of tier 1 gets to be first
}

BOOST_AUTO_TEST_CASE(a_tracker_that_answers_moves_to_the_front_of_its_tier) {
  tracker_tiers t(list, 7);
  const auto before = t.tiers();
  t.answered(0, 2);
  BOOST_TEST(t.tiers()[0][0] == before[0][2]);
  BOOST_TEST(t.tiers()[0][1] == before[0][0]); // the others keep their order
  BOOST_TEST(t.tiers()[0][2] == before[0][1]);
  BOOST_TEST(t.tiers()[0][3] == before[0][3]);
  BOOST_TEST(t.tiers()[2] == before[2]); // other tiers untouched
  t.answered(2, 1);
  BOOST_TEST(t.tiers()[2][0] == before[2][1]);
  t.answered(5, 0); // out of range: nothing
  t.answered(1, 3);
  BOOST_TEST(t.tiers()[1] == before[1]);
}

BOOST_AUTO_TEST_SUITE_END()
