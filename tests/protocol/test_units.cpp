#include <boost/test/unit_test.hpp>

#include "protocol/units.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(units_suite)

BOOST_AUTO_TEST_CASE(binary_units_three_significant_digits) {
  BOOST_TEST(human_size(0) == "0 B");
  BOOST_TEST(human_size(1023) == "1023 B");
  BOOST_TEST(human_size(1024) == "1.00 KiB");
  BOOST_TEST(human_size(35000) == "34.18 KiB");
  BOOST_TEST(human_size(1000003) == "976.6 KiB");
  BOOST_TEST(human_size(std::int64_t{1} << 30) == "1.00 GiB");
  BOOST_TEST(human_size(std::int64_t{5} << 50) == "5.00 PiB");
}

BOOST_AUTO_TEST_SUITE_END()
