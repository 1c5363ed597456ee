#include <boost/test/unit_test.hpp>

#include "protocol/storage/file_selection.hpp"
#include "tests/support/printers.hpp"
#include "tests/support/torrent_builder.hpp"

using namespace actorrent;

namespace {

// Pieces of 16 KiB: a.bin in piece 0, b.bin from 0 to 2, c.bin in 2 and 3, z in 3.
metainfo four_pieces() {
  return parse_metainfo(bencode::encode(test::make_torrent(test::make_info(
      "set", {{{"a.bin"}, 1}, {{"empty"}, 0}, {{"d", "b.bin"}, 40000}, {{"d", "e", "c.bin"}, 16383}, {{"z"}, 5}},
      16384))));
}

std::vector<std::uint8_t> ranks(const piece_selection& s) { return s.rank; }

} // namespace

BOOST_AUTO_TEST_SUITE(file_selection_suite)

BOOST_AUTO_TEST_CASE(everything_wanted_is_the_plain_case) {
  const metainfo m = four_pieces();
  const auto s = select_pieces(m, {});
  BOOST_TEST(s.everything);
  BOOST_TEST(s.wanted.all());
  BOOST_TEST(s.wanted_bytes == m.total_size);
  // Explicitly all wanted at normal priority is the same thing.
  BOOST_TEST(select_pieces(m, {{true, true, true, true, true}, {0, 0, 0, 0, 0}}).everything);
  bitfield have(4);
  BOOST_TEST(!s.done(have));
  have.set_all();
  BOOST_TEST(s.done(have));
}

// A piece is wanted when a wanted file has a byte in it, at the highest rank among them.
BOOST_AUTO_TEST_CASE(pieces_take_the_rank_of_their_best_wanted_file) {
  const metainfo m = four_pieces();
  // b.bin unwanted: piece 1 holds nothing else; pieces 0 and 2 are shared with a.bin and c.bin.
  auto s = select_pieces(m, {{true, true, false, true, true}, {}});
  BOOST_TEST(!s.everything);
  BOOST_TEST(ranks(s) == (std::vector<std::uint8_t>{2, 0, 2, 2}));
  BOOST_TEST(s.wanted_bytes == 16384 * 2 + (m.total_size - 3 * 16384));
  // z high, a.bin low: piece 3 is high, piece 0 low, b.bin normal in 1 and 2.
  s = select_pieces(m, {{}, {low_priority, 0, 0, 0, high_priority}});
  BOOST_TEST(ranks(s) == (std::vector<std::uint8_t>{2, 2, 2, 3}));
  s = select_pieces(m, {{true, true, false, false, false}, {low_priority}});
  BOOST_TEST(ranks(s) == (std::vector<std::uint8_t>{1, 0, 0, 0}));
  // Only the empty file: nothing to fetch, done at once.
  s = select_pieces(m, {{false, true, false, false, false}, {}});
  BOOST_TEST(s.wanted.none());
  BOOST_TEST(s.done(bitfield(4)));
}

BOOST_AUTO_TEST_CASE(done_and_interest_look_at_wanted_pieces_only) {
  const metainfo m = four_pieces();
  const auto s = select_pieces(m, {{false, true, true, false, false}, {}}); // b.bin: pieces 0-2
  bitfield ours(4), theirs(4);
  theirs.set(3);
  BOOST_TEST(!s.interesting(theirs, ours)); // only an unwanted piece
  theirs.set(1);
  BOOST_TEST(s.interesting(theirs, ours));
  for (std::uint32_t p : {0u, 1u, 2u}) ours.set(p);
  BOOST_TEST(s.done(ours));
  BOOST_TEST(!s.interesting(theirs, ours));
}

BOOST_AUTO_TEST_CASE(file_lists_parse_numbers_and_ranges_from_one) {
  BOOST_TEST(parse_file_list("1,3-5", 6) == (std::vector<std::size_t>{0, 2, 3, 4}));
  BOOST_TEST(parse_file_list("2,2,1-2", 3) == (std::vector<std::size_t>{0, 1}));
  BOOST_TEST(parse_file_list("4-4", 4) == (std::vector<std::size_t>{3}));
  for (const char* bad : {"", "0", "7", "3-1", "a", "1,,2", "1-", "-2", "1-99", "99999999999999999999999", "1 "})
    BOOST_CHECK_THROW(parse_file_list(bad, 6), std::invalid_argument);
  try {
    parse_file_list("9", 6);
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == "file 9 does not exist (the torrent has 6 files)");
  }
}

// --only and --skip number the files as `actorrent show` lists them: pad files are not counted.
BOOST_AUTO_TEST_CASE(only_and_skip_count_files_as_show_lists_them) {
  bencode::value info = test::make_info("set", {{{"a"}, 10}, {{"pad"}, 16374}, {{"b"}, 10}, {{"c"}, 10}});
  info.as_dict()["files"].as_list()[1].as_dict()["attr"] = "p";
  const metainfo m = parse_metainfo(bencode::encode(test::make_torrent(info)));
  BOOST_TEST(selection_from_lists("", "", m).everything());
  BOOST_TEST(selection_from_lists("2", "", m).wanted == (std::vector<bool>{false, false, true, false}));
  BOOST_TEST(selection_from_lists("", "1,3", m).wanted == (std::vector<bool>{false, true, true, false}));
  BOOST_TEST(selection_from_lists("1-3", "2", m).wanted == (std::vector<bool>{true, false, false, true}));
  BOOST_CHECK_THROW(selection_from_lists("4", "", m), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
