#include <boost/test/unit_test.hpp>

#include "protocol/block_cache.hpp"

using namespace actorrent;

namespace {
std::shared_ptr<const std::string> bytes_of(std::size_t size, char fill) {
  return std::make_shared<const std::string>(size, fill);
}
} // namespace

BOOST_AUTO_TEST_SUITE(block_cache_suite)

BOOST_AUTO_TEST_CASE(returns_what_was_cached_and_counts_hits) {
  block_cache c(100);
  BOOST_TEST(!c.find(1));
  c.insert(1, bytes_of(40, 'a'));
  auto hit = c.find(1);
  BOOST_REQUIRE(hit);
  BOOST_TEST(*hit == std::string(40, 'a'));
  BOOST_TEST(c.hits() == 1u);
  BOOST_TEST(c.misses() == 1u);
  BOOST_TEST(c.size_bytes() == 40u);
}

BOOST_AUTO_TEST_CASE(evicts_the_least_recently_used_within_the_budget) {
  block_cache c(100);
  c.insert(1, bytes_of(40, 'a'));
  c.insert(2, bytes_of(40, 'b'));
  BOOST_TEST(c.find(1)); // 1 is now more recent than 2
  c.insert(3, bytes_of(40, 'c'));
  BOOST_TEST(!c.find(2));
  BOOST_TEST(c.find(1));
  BOOST_TEST(c.find(3));
  BOOST_TEST(c.size_bytes() == 80u);
  BOOST_TEST(c.entries() == 2u);
}

BOOST_AUTO_TEST_CASE(a_piece_larger_than_the_budget_is_not_cached) {
  block_cache c(100);
  c.insert(1, bytes_of(60, 'a'));
  c.insert(2, bytes_of(101, 'b'));
  BOOST_TEST(!c.find(2));
  BOOST_TEST(c.find(1)); // and it evicted nothing
  BOOST_TEST(c.size_bytes() == 60u);
}

BOOST_AUTO_TEST_CASE(reinserting_replaces_without_double_counting) {
  block_cache c(100);
  c.insert(1, bytes_of(60, 'a'));
  c.insert(1, bytes_of(30, 'z'));
  BOOST_TEST(c.size_bytes() == 30u);
  BOOST_TEST(c.entries() == 1u);
  BOOST_TEST(*c.find(1) == std::string(30, 'z'));
}

BOOST_AUTO_TEST_CASE(a_handed_out_piece_outlives_its_eviction) {
  block_cache c(50);
  c.insert(1, bytes_of(50, 'a'));
  auto held = c.find(1);
  c.insert(2, bytes_of(50, 'b'));
  BOOST_TEST(!c.find(1));
  BOOST_TEST(*held == std::string(50, 'a'));
}

BOOST_AUTO_TEST_CASE(keys_tell_pieces_and_offsets_apart) {
  BOOST_TEST(block_cache::key_of(1, 0) != block_cache::key_of(0, 1));
  BOOST_TEST(block_cache::key_of(0xFFFFFFFFu, 16384) != block_cache::key_of(0xFFFFFFFFu, 0));
  block_cache c(100);
  c.insert(block_cache::key_of(3, 16384), bytes_of(10, 'x'));
  BOOST_TEST(!c.find(block_cache::key_of(3, 0)));
  BOOST_TEST(c.find(block_cache::key_of(3, 16384)));
}

BOOST_AUTO_TEST_SUITE_END()
