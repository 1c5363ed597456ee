#include <boost/test/unit_test.hpp>

#include "protocol/sha1.hpp"
#include "protocol/wire/ut_metadata.hpp"

using namespace actorrent;
namespace um = actorrent::ut_metadata;

namespace {
std::string info_of_size(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 31 + 7);
  return s;
}
} // namespace

namespace actorrent::ut_metadata {
std::ostream& operator<<(std::ostream& os, assembler::result r) { return os << static_cast<int>(r); }
} // namespace actorrent::ut_metadata

BOOST_AUTO_TEST_SUITE(ut_metadata_suite)

BOOST_AUTO_TEST_CASE(messages_round_trip) {
  BOOST_TEST(um::encode_request(3) == "d8:msg_typei0e5:piecei3ee");
  BOOST_TEST(um::encode_reject(1) == "d8:msg_typei2e5:piecei1ee");
  const std::string data = um::encode_data(1, 20000, "xyz");
  BOOST_TEST(data == "d8:msg_typei1e5:piecei1e10:total_sizei20000eexyz");
  const auto m = um::parse(data);
  BOOST_TEST(static_cast<int>(m.type) == 1);
  BOOST_TEST(m.piece == 1u);
  BOOST_TEST(m.total_size == 20000);
  BOOST_TEST(m.data == "xyz");
  BOOST_TEST(static_cast<int>(um::parse(um::encode_request(7)).type) == 0);
}

BOOST_AUTO_TEST_CASE(malformed_messages_are_refused) {
  for (const std::string bad : {std::string("x"), std::string("le"), std::string("d5:piecei0ee"),
                                std::string("d8:msg_typei3e5:piecei0ee"), std::string("d8:msg_typei0e5:piecei-1ee"),
                                std::string("d8:msg_typei0e5:piecei99999999999ee"), std::string("d8:msg_typei0ee"),
                                std::string("d8:msg_typei0e5:piecei0eeTRAILING"),
                                std::string("d8:msg_typei1e5:piecei0eedata-without-total-size")})
    BOOST_CHECK_THROW(um::parse(bad), ext::extension_error);
}

BOOST_AUTO_TEST_CASE(pieces_of_an_info_dictionary) {
  const std::string info = info_of_size(40000);
  BOOST_TEST(um::piece_count(40000) == 3u);
  BOOST_TEST(um::piece_count(16384) == 1u);
  BOOST_TEST(um::piece_of(info, 0).size() == 16384u);
  BOOST_TEST(um::piece_of(info, 2).size() == 40000u - 32768u);
  BOOST_TEST(um::piece_of(info, 3).empty());
}

BOOST_AUTO_TEST_CASE(assembler_collects_checks_and_completes) {
  const std::string info = info_of_size(40000);
  um::assembler a(sha1(info), 40000);
  std::vector<std::uint32_t> asked;
  while (auto p = a.next_to_request()) asked.push_back(*p);
  BOOST_TEST(asked == (std::vector<std::uint32_t>{0, 1, 2}));
  a.release(1); // its peer rejected it
  BOOST_TEST(*a.next_to_request() == 1u);
  BOOST_TEST(a.add(2, 40000, um::piece_of(info, 2)) == um::assembler::result::accepted);
  BOOST_TEST(a.add(2, 40000, um::piece_of(info, 2)) == um::assembler::result::duplicate);
  BOOST_TEST(a.add(0, 40000, um::piece_of(info, 0)) == um::assembler::result::accepted);
  BOOST_TEST(!a.complete());
  BOOST_TEST(a.add(1, 40000, um::piece_of(info, 1)) == um::assembler::result::complete);
  BOOST_TEST(a.complete());
  BOOST_TEST(a.bytes() == info);
}

BOOST_AUTO_TEST_CASE(assembler_refuses_lies) {
  const std::string info = info_of_size(40000);
  um::assembler a(sha1(info), 40000);
  // Another total size, a short piece, a piece past the end: the sender lies.
  BOOST_TEST(a.add(0, 50000, um::piece_of(info, 0)) == um::assembler::result::wrong_size);
  BOOST_TEST(a.add(0, 40000, um::piece_of(info, 0).substr(1)) == um::assembler::result::wrong_size);
  BOOST_TEST(a.add(2, 40000, um::piece_of(info, 1)) == um::assembler::result::wrong_size);
  BOOST_TEST(a.add(3, 40000, "x") == um::assembler::result::wrong_size);
  // Right sizes, wrong bytes: only the hash can tell, and everything starts over.
  std::string forged = info;
  forged[20000] ^= 1;
  BOOST_TEST(a.add(0, 40000, um::piece_of(forged, 0)) == um::assembler::result::accepted);
  BOOST_TEST(a.add(1, 40000, um::piece_of(forged, 1)) == um::assembler::result::accepted);
  BOOST_TEST(a.add(2, 40000, um::piece_of(forged, 2)) == um::assembler::result::hash_mismatch);
  BOOST_TEST(!a.complete());
  BOOST_TEST(*a.next_to_request() == 0u);
  for (std::uint32_t p = 0; p < 3; ++p) a.add(p, 40000, um::piece_of(info, p));
  BOOST_TEST(a.complete());
  BOOST_TEST(a.bytes() == info);
}

BOOST_AUTO_TEST_SUITE_END()
