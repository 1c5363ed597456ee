#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "protocol/storage/file_map.hpp"

using namespace actorrent;
namespace data = boost::unit_test::data;

namespace {
struct map_case {
  std::string name;
  std::vector<std::int64_t> sizes;
  std::int64_t piece_length;
  std::uint32_t piece;
  std::vector<file_slice> slices;
};
std::ostream& operator<<(std::ostream& os, const map_case& c) { return os << c.name; }
} // namespace

namespace actorrent {
std::ostream& operator<<(std::ostream& os, const file_slice& s) {
  return os << "{" << s.file_index << "," << s.file_offset << "," << s.length << "}";
}
} // namespace actorrent

BOOST_AUTO_TEST_SUITE(file_map_suite)

const map_case cases[] = {
    {"single file, first piece", {100000}, 32768, 0, {{0, 0, 32768}}},
    {"single file, short last piece", {100000}, 32768, 3, {{0, 98304, 1696}}},
    {"piece spans two files", {20000, 20000}, 32768, 0, {{0, 0, 20000}, {1, 0, 12768}}},
    {"second piece starts inside file 1", {20000, 20000}, 32768, 1, {{1, 12768, 7232}}},
    {"piece spans many small files", {100, 200, 300, 400, 50000}, 16384, 0,
     {{0, 0, 100}, {1, 0, 200}, {2, 0, 300}, {3, 0, 400}, {4, 0, 15384}}},
    {"zero-length files are skipped", {0, 10, 0, 0, 10, 0}, 16384, 0, {{1, 0, 10}, {4, 0, 10}}},
    {"zero-length file at a piece boundary", {16384, 0, 16384}, 16384, 1, {{2, 0, 16384}}},
    {"last piece across files", {16384, 5, 5}, 16384, 1, {{1, 0, 5}, {2, 0, 5}}},
};

BOOST_DATA_TEST_CASE(maps_pieces_to_slices, data::make(cases), c) {
  const file_map fm(c.sizes, c.piece_length);
  const auto got = fm.map_piece(c.piece);
  BOOST_TEST(got == c.slices, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_byte_mapped_exactly_once) {
  // Odd sizes, including empty files: the slices of all pieces tile every file.
  const std::vector<std::int64_t> sizes = {1, 0, 16383, 16385, 0, 7, 100000, 0, 3};
  const file_map fm(sizes, 16384);
  std::vector<std::int64_t> covered(sizes.size(), 0);
  for (std::uint32_t p = 0; p < fm.geometry().piece_count(); ++p) {
    std::int64_t in_piece = 0;
    for (const auto& s : fm.map_piece(p)) {
      BOOST_TEST(s.file_offset == covered[s.file_index]); // contiguous, in order
      covered[s.file_index] += s.length;
      in_piece += s.length;
    }
    BOOST_TEST(in_piece == fm.geometry().piece_size(p));
  }
  BOOST_TEST(covered == sizes, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(blocks_inside_pieces) {
  const file_map fm({20000, 20000}, 32768);
  BOOST_TEST(fm.map_block(0, 16384, 16384) == (std::vector<file_slice>{{0, 16384, 3616}, {1, 0, 12768}}),
             boost::test_tools::per_element());
  BOOST_CHECK_THROW(fm.map_block(1, 0, 7233), std::out_of_range);
  BOOST_CHECK_THROW(fm.map_block(2, 0, 1), std::out_of_range);
  BOOST_CHECK_THROW(fm.map_range(39999, 2), std::out_of_range);
  BOOST_CHECK_THROW(fm.map_range(-1, 1), std::out_of_range);
  BOOST_TEST(fm.map_range(40000, 0).empty());
}

BOOST_AUTO_TEST_CASE(pieces_of_each_file) {
  const file_map fm({10, 0, 40000, 1}, 16384);
  auto span = fm.pieces_of_file(0);
  BOOST_TEST((!span.empty && span.first == 0u && span.last == 0u));
  BOOST_TEST(fm.pieces_of_file(1).empty);
  span = fm.pieces_of_file(2);
  BOOST_TEST((span.first == 0u && span.last == 2u));
  span = fm.pieces_of_file(3);
  BOOST_TEST((span.first == 2u && span.last == 2u));
}

BOOST_AUTO_TEST_CASE(rejects_bad_sizes) {
  BOOST_CHECK_THROW(file_map({-1}, 16384), std::invalid_argument);
  BOOST_CHECK_THROW(file_map({std::numeric_limits<std::int64_t>::max(), 1}, 16384), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
