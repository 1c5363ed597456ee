#include <boost/test/unit_test.hpp>

#include "protocol/bytes.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(bytes_suite)

BOOST_AUTO_TEST_CASE(views_every_byte_in_order) {
  const std::array<std::uint8_t, 4> a{0x00, 0x41, 0xff, 0x80};
  const std::string_view v = as_bytes(a);
  BOOST_TEST(v.size() == 4u);
  BOOST_TEST(v == std::string_view("\x00\x41\xff\x80", 4));
  BOOST_TEST(static_cast<const void*>(v.data()) == static_cast<const void*>(a.data())); // a view, not a copy
}

BOOST_AUTO_TEST_SUITE_END()
