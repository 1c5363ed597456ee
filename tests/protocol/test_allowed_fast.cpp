#include <boost/test/unit_test.hpp>

#include "protocol/wire/allowed_fast.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(allowed_fast_suite)

// The test vectors of BEP 6.
BOOST_AUTO_TEST_CASE(bep6_vectors) {
  sha1_digest h;
  h.fill(0xaa);
  const std::array<std::uint8_t, 4> ip{80, 4, 4, 200};
  BOOST_TEST(allowed_fast_set(ip, h, 1313, 7) == (std::vector<std::uint32_t>{1059, 431, 808, 1217, 287, 376, 1188}));
  BOOST_TEST(allowed_fast_set(ip, h, 1313, 9) ==
             (std::vector<std::uint32_t>{1059, 431, 808, 1217, 287, 376, 1188, 353, 508}));
  // The last byte of the address does not matter: same /24, same set.
  BOOST_TEST(allowed_fast_set({80, 4, 4, 1}, h, 1313, 7) == allowed_fast_set(ip, h, 1313, 7));
}

BOOST_AUTO_TEST_CASE(small_torrents) {
  sha1_digest h{};
  BOOST_TEST(allowed_fast_set({127, 0, 0, 1}, h, 0, 10).empty());
  auto all = allowed_fast_set({127, 0, 0, 1}, h, 3, 10);
  std::sort(all.begin(), all.end());
  BOOST_TEST(all == (std::vector<std::uint32_t>{0, 1, 2}));
}

BOOST_AUTO_TEST_SUITE_END()
