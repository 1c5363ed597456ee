#include <boost/test/unit_test.hpp>

#include "protocol/swarm/smart_ban.hpp"

using namespace actorrent;

namespace {
std::vector<block_record> received(const std::string& data, std::vector<peer_key> senders) {
  const auto hashes = smart_ban::block_hashes(data);
  std::vector<block_record> out;
  for (std::size_t i = 0; i < hashes.size(); ++i) out.push_back({senders.at(i), hashes[i]});
  return out;
}
} // namespace

BOOST_AUTO_TEST_SUITE(smart_ban_suite)

BOOST_AUTO_TEST_CASE(block_hashes_cover_every_block) {
  const std::string data(3 * 16384 + 100, 'x');
  const auto h = smart_ban::block_hashes(data);
  BOOST_REQUIRE_EQUAL(h.size(), 4u);
  BOOST_TEST(h[0] == sha1(std::string(16384, 'x')));
  BOOST_TEST(h[3] == sha1(std::string(100, 'x')));
}

BOOST_AUTO_TEST_CASE(only_the_sender_of_the_bad_block_is_blamed) {
  const std::string good(4 * 16384, 'g');
  std::string bad = good;
  bad[2 * 16384 + 5] = 'B'; // block 2 corrupt
  smart_ban sb;
  sb.piece_failed(7, received(bad, {1, 2, 3, 1}));
  BOOST_TEST(sb.suspected(7));
  BOOST_TEST(sb.piece_passed(7, smart_ban::block_hashes(good)) == std::vector<peer_key>{3});
  BOOST_TEST(!sb.suspected(7));
  BOOST_TEST(sb.piece_passed(7, smart_ban::block_hashes(good)).empty()); // forgotten
}

BOOST_AUTO_TEST_CASE(several_failures_several_culprits) {
  const std::string good(2 * 16384, 'g');
  std::string bad1 = good, bad2 = good;
  bad1[0] = 'X';
  bad2[16384] = 'Y';
  smart_ban sb;
  sb.piece_failed(1, received(bad1, {5, 6}));
  sb.piece_failed(1, received(bad2, {6, 9}));
  auto culprits = sb.piece_passed(1, smart_ban::block_hashes(good));
  std::sort(culprits.begin(), culprits.end());
  BOOST_TEST(culprits == (std::vector<peer_key>{5, 9}));
}

BOOST_AUTO_TEST_CASE(memory_is_bounded) {
  smart_ban sb(2);
  const std::string bad(16384, 'b');
  sb.piece_failed(1, received(bad, {1}));
  sb.piece_failed(2, received(bad, {1}));
  sb.piece_failed(3, received(bad, {1})); // over the cap: not tracked
  BOOST_TEST(sb.suspected(1));
  BOOST_TEST(!sb.suspected(3));
}

BOOST_AUTO_TEST_SUITE_END()
