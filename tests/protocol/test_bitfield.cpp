#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "protocol/bitfield.hpp"

using namespace actorrent;
namespace data = boost::unit_test::data;

namespace {
struct wire_case {
  std::string name;
  std::string bytes;
  std::size_t bits;
  bool valid;
  std::size_t count;
};
std::ostream& operator<<(std::ostream& os, const wire_case& c) { return os << c.name; }
} // namespace

BOOST_AUTO_TEST_SUITE(bitfield_suite)

const wire_case wire_cases[] = {
    {"10 pieces all set", "\xff\xc0", 10, true, 10},
    {"10 pieces none", std::string(2, '\0'), 10, true, 0},
    {"8 pieces exact byte", "\xff", 8, true, 8},
    {"9 pieces first and last", "\x80\x80", 9, true, 2},
    {"spare bit set", "\xff\xe0", 10, false, 0},
    {"last spare bit set", std::string("\x00\x01", 2), 10, false, 0},
    {"too short", "\xff", 10, false, 0},
    {"too long", std::string("\xff\xc0\x00", 3), 10, false, 0},
    {"empty for zero pieces", "", 0, true, 0},
    {"bytes for zero pieces", std::string(1, '\0'), 0, false, 0},
};

BOOST_DATA_TEST_CASE(from_wire_checks_size_and_spare_bits, data::make(wire_cases), c) {
  const auto bf = bitfield::from_wire(c.bytes, c.bits);
  BOOST_TEST(bf.has_value() == c.valid);
  if (bf) {
    BOOST_TEST(bf->count() == c.count);
    BOOST_TEST(bf->wire_bytes() == c.bytes);
  }
}

BOOST_AUTO_TEST_CASE(set_reset_count) {
  bitfield bf(12);
  BOOST_TEST(bf.none());
  BOOST_TEST(bf.set(0));
  BOOST_TEST(!bf.set(0));
  BOOST_TEST(bf.set(11));
  BOOST_TEST(bf.count() == 2u);
  BOOST_TEST(bf.wire_bytes() == std::string("\x80\x10", 2));
  BOOST_TEST(bf.reset(0));
  BOOST_TEST(!bf.reset(0));
  BOOST_TEST(bf.count() == 1u);
  BOOST_TEST(bf.test(11));
  BOOST_TEST(!bf.test(10));
  BOOST_CHECK_THROW(bf.test(12), std::out_of_range);
  BOOST_CHECK_THROW(bf.set(12), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(set_all_leaves_spare_bits_clear) {
  bitfield bf(13, true);
  BOOST_TEST(bf.all());
  BOOST_TEST(bf.count() == 13u);
  BOOST_TEST(bf.wire_bytes() == std::string("\xff\xf8", 2));
  BOOST_TEST(bitfield::from_wire(bf.wire_bytes(), 13).has_value());
}

BOOST_AUTO_TEST_CASE(has_any_missing_from) {
  bitfield theirs(10), ours(10);
  BOOST_TEST(!theirs.has_any_missing_from(ours));
  theirs.set(9);
  BOOST_TEST(theirs.has_any_missing_from(ours));
  ours.set(9);
  BOOST_TEST(!theirs.has_any_missing_from(ours));
  ours.set(3);
  BOOST_TEST(!theirs.has_any_missing_from(ours));
  BOOST_CHECK_THROW(theirs.has_any_missing_from(bitfield(11)), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
