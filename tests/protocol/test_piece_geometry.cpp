#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "protocol/storage/piece_geometry.hpp"

using namespace actorrent;
namespace data = boost::unit_test::data;

namespace {
struct geometry_case {
  std::int64_t total, piece_length;
  std::uint32_t count, last_size, last_blocks, last_block_length;
};
std::ostream& operator<<(std::ostream& os, const geometry_case& c) {
  return os << c.total << "/" << c.piece_length;
}
} // namespace

BOOST_AUTO_TEST_SUITE(piece_geometry_suite)

const geometry_case cases[] = {
    {262144, 262144, 1, 262144, 16, 16384},
    {262145, 262144, 2, 1, 1, 1},
    {100000, 32768, 4, 1696, 1, 1696},
    {1, 16384, 1, 1, 1, 1},
    {40000, 40000, 1, 40000, 3, 7232},      // piece length not a multiple of 16 KiB
    {1LL << 32, 1 << 20, 4096, 1 << 20, 64, 16384},
    {(1LL << 40) + 5, 1 << 22, 262145, 5, 1, 5},
};

BOOST_DATA_TEST_CASE(sizes, data::make(cases), c) {
  const piece_geometry g(c.total, c.piece_length);
  BOOST_TEST(g.piece_count() == c.count);
  const std::uint32_t last = c.count - 1;
  BOOST_TEST(g.piece_size(last) == c.last_size);
  BOOST_TEST(g.blocks_in_piece(last) == c.last_blocks);
  BOOST_TEST(g.block_length(last, c.last_blocks - 1) == c.last_block_length);
  BOOST_TEST(g.piece_offset(last) == static_cast<std::int64_t>(last) * c.piece_length);
  BOOST_CHECK_THROW(g.piece_size(c.count), std::out_of_range);
  BOOST_CHECK_THROW(g.block_length(last, c.last_blocks), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(block_validity) {
  const piece_geometry g(100000, 32768);
  BOOST_TEST(g.valid_block(0, 0, 16384));
  BOOST_TEST(g.valid_block(0, 16384, 16384));
  BOOST_TEST(!g.valid_block(0, 16385, 16384));   // runs past the piece
  BOOST_TEST(!g.valid_block(0, 0, 16385));       // longer than a block
  BOOST_TEST(!g.valid_block(0, 0, 0));           // empty
  BOOST_TEST(g.valid_block(3, 0, 1696));
  BOOST_TEST(!g.valid_block(3, 0, 1697));        // past the end of the last piece
  BOOST_TEST(!g.valid_block(4, 0, 1));           // no such piece
  BOOST_TEST(!g.valid_block(0, 0xffffffffu, 16384)); // offset overflow
}

BOOST_AUTO_TEST_CASE(rejects_bad_parameters) {
  BOOST_CHECK_THROW(piece_geometry(100, 0), std::invalid_argument);
  BOOST_CHECK_THROW(piece_geometry(100, -1), std::invalid_argument);
  BOOST_CHECK_THROW(piece_geometry(-1, 16384), std::invalid_argument);
  BOOST_CHECK_THROW(piece_geometry(1LL << 40, 1), std::invalid_argument); // > 2^31 pieces
}

BOOST_AUTO_TEST_SUITE_END()
