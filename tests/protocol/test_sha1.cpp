#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "protocol/sha1.hpp"

using namespace actorrent;
namespace data = boost::unit_test::data;

BOOST_AUTO_TEST_SUITE(sha1_suite)

struct vector_case {
  std::string input;
  std::string hex;
};
std::ostream& operator<<(std::ostream& os, const vector_case& c) { return os << c.input.size() << " bytes"; }

// FIPS 180 test vectors.
const vector_case vectors[] = {
    {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
    {"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
    {std::string(1000000, 'a'), "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
};

BOOST_DATA_TEST_CASE(known_vectors, data::make(vectors), c) {
  BOOST_TEST(to_hex(sha1(c.input)) == c.hex);
}

BOOST_DATA_TEST_CASE(incremental_equals_one_shot, data::make(vectors), c) {
  for (std::size_t chunk : {1u, 7u, 64u, 16384u}) {
    sha1_hasher h;
    for (std::size_t at = 0; at < c.input.size(); at += chunk)
      h.update(std::string_view(c.input).substr(at, chunk));
    BOOST_TEST(to_hex(h.finish()) == c.hex);
  }
}

BOOST_AUTO_TEST_CASE(hasher_resets_after_finish) {
  sha1_hasher h;
  h.update("junk");
  h.finish();
  h.update("abc");
  BOOST_TEST(to_hex(h.finish()) == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

BOOST_AUTO_TEST_CASE(hex_round_trip_and_rejects) {
  const auto d = sha1("abc");
  BOOST_TEST(sha1_from_hex(to_hex(d)).value() == d);
  BOOST_TEST(sha1_from_hex("A9993E364706816ABA3E25717850C26C9CD0D89D").value() == d);
  for (const char* bad : {"", "a9993e", "a9993e364706816aba3e25717850c26c9cd0d89", "g9993e364706816aba3e25717850c26c9cd0d89d",
                          "a9993e364706816aba3e25717850c26c9cd0d89d0"})
    BOOST_TEST(!sha1_from_hex(bad).has_value(), bad);
  BOOST_TEST(sha1_from_bytes(as_bytes(d)) == d);
  BOOST_CHECK_THROW(sha1_from_bytes("short"), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
