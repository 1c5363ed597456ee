#include <boost/test/unit_test.hpp>

#include <set>

#include "protocol/swarm/piece_picker.hpp"

using namespace actorrent;
using namespace std::chrono_literals;

namespace {

const auto t0 = piece_picker::clock::time_point{} + 1h;

bitfield pieces(std::size_t n, std::initializer_list<std::uint32_t> set) {
  bitfield b(n);
  for (auto p : set) b.set(p);
  return b;
}

picker_options rarest_only(std::uint64_t seed = 1) {
  picker_options o;
  o.random_first_pieces = 0;
  o.seed = seed;
  return o;
}

// 8 pieces of 4 blocks each (64 KiB pieces).
const piece_geometry geo(8 * 65536, 65536);

} // namespace

BOOST_AUTO_TEST_SUITE(piece_picker_suite)

BOOST_AUTO_TEST_CASE(rarest_piece_first) {
  piece_picker pk(geo, rarest_only());
  pk.peer_bitfield(1, bitfield(8, true));
  pk.peer_bitfield(2, pieces(8, {0, 1, 2, 3, 4, 6, 7}));
  pk.peer_bitfield(3, pieces(8, {0, 1, 2, 3, 4, 6}));
  // Piece 5 is held by one peer, piece 7 by two, the rest by three.
  auto got = pk.pick(1, 4, t0);
  BOOST_REQUIRE_EQUAL(got.size(), 4u);
  for (auto& b : got) BOOST_TEST(b.piece == 5u);
  got = pk.pick(1, 4, t0);
  for (auto& b : got) BOOST_TEST(b.piece == 7u);
}

BOOST_AUTO_TEST_CASE(rarity_follows_haves) {
  piece_picker pk(geo, rarest_only());
  pk.peer_bitfield(1, bitfield(8, true));
  pk.peer_bitfield(2, bitfield(8, true));
  pk.add_peer(3);
  for (std::uint32_t p = 0; p < 8; ++p)
    if (p != 6) pk.peer_have(3, p);
  BOOST_TEST(pk.pick(1, 1, t0).at(0).piece == 6u);
}

BOOST_AUTO_TEST_CASE(random_among_equals) {
  std::set<std::uint32_t> first_pieces;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    piece_picker pk(geo, rarest_only(seed));
    pk.peer_bitfield(1, bitfield(8, true));
    first_pieces.insert(pk.pick(1, 1, t0).at(0).piece);
  }
  BOOST_TEST(first_pieces.size() >= 5u); // not always piece 0
}

BOOST_AUTO_TEST_CASE(first_pieces_random_then_rarest) {
  std::set<std::uint32_t> first_pieces;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    picker_options o;
    o.random_first_pieces = 1;
    o.seed = seed;
    piece_picker pk(geo, o);
    pk.peer_bitfield(1, bitfield(8, true));
    pk.peer_bitfield(2, pieces(8, {0, 1, 2, 3, 4, 5, 6})); // piece 7 is the rarest
    const std::uint32_t first = pk.pick(1, 1, t0).at(0).piece;
    first_pieces.insert(first);
    // Once one piece is done the random start is over and rarity decides.
    pk.release_requests(1);
    pk.piece_verified(first);
    if (first != 7) BOOST_TEST(pk.pick(1, 1, t0).at(0).piece == 7u);
  }
  BOOST_TEST(first_pieces.size() >= 3u); // the start ignored rarity
}

BOOST_AUTO_TEST_CASE(partial_pieces_are_finished_first_and_shared) {
  piece_picker pk(geo, rarest_only());
  pk.peer_bitfield(1, bitfield(8, true));
  pk.peer_bitfield(2, bitfield(8, true));
  const auto a = pk.pick(1, 2, t0);
  BOOST_REQUIRE_EQUAL(a.size(), 2u);
  const auto b = pk.pick(2, 2, t0);
  BOOST_REQUIRE_EQUAL(b.size(), 2u);
  // Peer 2 gets the other half of peer 1's piece, not a new piece.
  for (auto& blk : b) BOOST_TEST(blk.piece == a[0].piece);
  BOOST_TEST(b[0].begin == 2 * block_size);
  BOOST_TEST(pk.pieces_in_progress() == 1u);
}

BOOST_AUTO_TEST_CASE(only_pieces_the_peer_has) {
  piece_picker pk(geo, rarest_only());
  pk.peer_bitfield(1, pieces(8, {3}));
  auto got = pk.pick(1, 100, t0);
  BOOST_TEST(got.size() == 4u);
  for (auto& b : got) BOOST_TEST(b.piece == 3u);
  BOOST_TEST(pk.pick(1, 100, t0).empty());
  BOOST_TEST(pk.pick(99, 100, t0).empty()); // unknown peer
}

BOOST_AUTO_TEST_CASE(short_last_piece_blocks) {
  const piece_geometry g(65536 + 20000, 65536);
  piece_picker pk(g, rarest_only());
  pk.peer_bitfield(1, pieces(2, {1}));
  auto got = pk.pick(1, 10, t0);
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_TEST(got[0].length == 16384u);
  BOOST_TEST(got[1].begin == 16384u);
  BOOST_TEST(got[1].length == 20000u - 16384u);
}

BOOST_AUTO_TEST_CASE(endgame_duplicates_and_cancels) {
  const piece_geometry g(2 * 32768, 32768); // 2 pieces of 2 blocks
  piece_picker pk(g, rarest_only());
  pk.peer_bitfield(1, bitfield(2, true));
  pk.peer_bitfield(2, bitfield(2, true));
  BOOST_TEST(!pk.in_endgame());
  BOOST_TEST(pk.pick(1, 4, t0).size() == 4u); // every block now requested from peer 1
  BOOST_TEST(pk.in_endgame());
  const auto dup = pk.pick(2, 4, t0);
  BOOST_TEST(dup.size() == 4u); // the same blocks, requested again
  BOOST_TEST(pk.requests_outstanding() == 8u);
  BOOST_TEST(pk.pick(2, 4, t0).empty()); // never twice to the same peer
  // The first arrival wins; the other requester is told to cancel.
  const auto r = pk.block_received(2, dup[0]);
  BOOST_TEST(r.useful);
  BOOST_TEST(r.cancel == std::vector<peer_key>{1});
  const auto late = pk.block_received(1, dup[0]);
  BOOST_TEST(!late.useful);
}

BOOST_AUTO_TEST_CASE(endgame_requester_cap) {
  const piece_geometry g(16384, 16384);
  picker_options o = rarest_only();
  o.endgame_max_requesters = 2;
  piece_picker pk(g, o);
  for (peer_key p = 1; p <= 4; ++p) pk.peer_bitfield(p, bitfield(1, true));
  BOOST_TEST(pk.pick(1, 1, t0).size() == 1u);
  BOOST_TEST(pk.pick(2, 1, t0).size() == 1u);
  BOOST_TEST(pk.pick(3, 1, t0).empty());
}

BOOST_AUTO_TEST_CASE(piece_completes_and_verifies) {
  const piece_geometry g(32768, 32768);
  piece_picker pk(g, rarest_only());
  pk.peer_bitfield(1, bitfield(1, true));
  const auto got = pk.pick(1, 2, t0);
  BOOST_TEST(!pk.block_received(1, got[0]).piece_complete);
  BOOST_TEST(pk.block_received(1, got[1]).piece_complete);
  BOOST_TEST(!pk.complete());
  BOOST_TEST(pk.pick(1, 2, t0).empty()); // awaiting the hash: nothing to request
  pk.piece_verified(0);
  BOOST_TEST(pk.complete());
  BOOST_TEST(!pk.interesting(1));
  BOOST_TEST(!pk.in_endgame());
}

BOOST_AUTO_TEST_CASE(unrequested_or_malformed_blocks_are_not_useful) {
  piece_picker pk(geo, rarest_only());
  pk.peer_bitfield(1, bitfield(8, true));
  const auto got = pk.pick(1, 1, t0);
  BOOST_TEST(!pk.block_received(1, {got[0].piece, 1, 16384}).useful);        // unaligned
  BOOST_TEST(!pk.block_received(1, {got[0].piece, 0, 100}).useful);          // wrong length
  BOOST_TEST(!pk.block_received(1, {got[0].piece, 65536, 16384}).useful);    // past the piece
  BOOST_TEST(!pk.block_received(1, {(got[0].piece + 1) % 8, 0, 16384}).useful); // piece not started
  // A block from a peer that did not request it still counts (the hash decides).
  BOOST_TEST(pk.block_received(7, got[0]).useful);
}

BOOST_AUTO_TEST_CASE(stuck_requests_time_out) {
  picker_options o = rarest_only();
  o.request_timeout = 10s;
  piece_picker pk(geo, o);
  pk.peer_bitfield(1, pieces(8, {2}));
  pk.peer_bitfield(2, pieces(8, {2}));
  BOOST_TEST(pk.pick(1, 4, t0).size() == 4u);
  BOOST_TEST(pk.expire(t0 + 9s).empty());
  const auto expired = pk.expire(t0 + 10s);
  BOOST_TEST(expired.size() == 4u);
  for (auto& [peer, b] : expired) BOOST_TEST(peer == 1u);
  BOOST_TEST(pk.requests_outstanding() == 0u);
  BOOST_TEST(pk.blocks_rerequested() == 4u);
  BOOST_TEST(pk.pick(2, 4, t0 + 10s).size() == 4u); // re-assigned
}

BOOST_AUTO_TEST_CASE(a_rejected_block_alone_goes_back) {
  piece_picker pk(geo, rarest_only());
  pk.peer_bitfield(1, pieces(8, {0}));
  pk.peer_bitfield(2, pieces(8, {0}));
  const auto got = pk.pick(1, 4, t0);
  BOOST_REQUIRE(got.size() == 4u);
  pk.release_block(2, got[1]); // not its request: nothing happens
  pk.release_block(1, block_ref{got[1].piece, got[1].begin + 1, got[1].length}); // no such block
  BOOST_TEST(pk.requests_outstanding() == 4u);
  pk.release_block(1, got[1]);
  BOOST_TEST(pk.requests_outstanding() == 3u);
  BOOST_TEST(pk.blocks_rerequested() == 1u);
  const auto again = pk.pick(2, 4, t0);
  BOOST_REQUIRE(again.size() == 1u);
  BOOST_TEST((again[0] == got[1]));
}

BOOST_AUTO_TEST_CASE(choke_and_disconnect_release_requests) {
  piece_picker pk(geo, rarest_only());
  pk.peer_bitfield(1, pieces(8, {0}));
  pk.peer_bitfield(2, pieces(8, {0}));
  BOOST_TEST(pk.pick(1, 4, t0).size() == 4u);
  BOOST_TEST(pk.pick(2, 4, t0).empty());
  pk.release_requests(1);
  BOOST_TEST(pk.blocks_rerequested() == 4u);
  BOOST_TEST(pk.pick(2, 4, t0).size() == 4u);
  pk.remove_peer(2);
  BOOST_TEST(pk.blocks_rerequested() == 8u);
  BOOST_TEST(pk.requests_outstanding() == 0u);
  BOOST_TEST(pk.pick(1, 4, t0).size() == 4u);
}

BOOST_AUTO_TEST_CASE(hash_failure_refetches_and_bans_repeat_offenders) {
  const piece_geometry g(4 * 16384, 16384); // 4 one-block pieces
  picker_options o = rarest_only();
  o.ban_after_failed_pieces = 3;
  piece_picker pk(g, o);
  pk.peer_bitfield(1, bitfield(4, true));
  pk.peer_bitfield(2, bitfield(4, true));
  std::vector<peer_key> banned;
  for (int round = 0; round < 3; ++round) {
    const auto got = pk.pick(1, 1, t0);
    BOOST_REQUIRE_EQUAL(got.size(), 1u);
    BOOST_TEST(pk.block_received(1, got[0]).piece_complete);
    banned = pk.piece_failed(got[0].piece);
    BOOST_TEST(pk.peer_failures(1) == static_cast<std::size_t>(round + 1));
  }
  BOOST_TEST(banned == std::vector<peer_key>{1});
  BOOST_TEST(pk.peer_failures(2) == 0u);
  // Nothing was lost: all four pieces can still be fetched from peer 2.
  BOOST_TEST(pk.pick(2, 10, t0).size() == 4u);
}

BOOST_AUTO_TEST_CASE(shared_failed_pieces_do_not_ban_honest_peers) {
  const piece_geometry g(2 * 16384, 32768); // one piece of two blocks
  piece_picker pk(g, rarest_only());
  pk.peer_bitfield(1, bitfield(1, true));
  pk.peer_bitfield(2, bitfield(1, true));
  for (int round = 0; round < 5; ++round) {
    const auto a = pk.pick(1, 1, t0);
    const auto b = pk.pick(2, 1, t0);
    BOOST_REQUIRE(a.size() == 1u && b.size() == 1u);
    pk.block_received(1, a[0]);
    BOOST_TEST(pk.block_received(2, b[0]).piece_complete);
    BOOST_TEST(pk.piece_failed(0).empty());
  }
  BOOST_TEST(pk.peer_failures(1) == 0u);
  BOOST_TEST(pk.peer_failures(2) == 0u);
}

BOOST_AUTO_TEST_CASE(failures_without_blame_refetch_but_ban_nobody) {
  const piece_geometry g(4 * 16384, 16384); // 4 one-block pieces
  picker_options o = rarest_only();
  o.ban_after_failed_pieces = 1;
  piece_picker pk(g, o);
  pk.peer_bitfield(1, bitfield(4, true));
  for (int round = 0; round < 3; ++round) {
    const auto got = pk.pick(1, 1, t0);
    BOOST_REQUIRE_EQUAL(got.size(), 1u);
    pk.block_received(1, got[0]);
    BOOST_TEST(pk.piece_failed(got[0].piece, false).empty());
  }
  BOOST_TEST(pk.peer_failures(1) == 0u);
  BOOST_TEST(pk.blocks_rerequested() == 3u);
  BOOST_TEST(pk.pick(1, 10, t0).size() == 4u);
}

BOOST_AUTO_TEST_CASE(sequential_policy_goes_by_index_whatever_the_rarity) {
  picker_options o = rarest_only();
  o.policy = piece_policy::sequential;
  piece_picker pk(geo, o);
  pk.peer_bitfield(1, bitfield(8, true));
  pk.peer_bitfield(2, pieces(8, {0, 1, 2, 3, 4, 5, 6})); // 7 is rarest
  std::vector<std::uint32_t> started;
  for (int i = 0; i < 8; ++i) {
    const auto got = pk.pick(1, 4, t0); // one whole piece at a time
    BOOST_REQUIRE_EQUAL(got.size(), 4u);
    started.push_back(got[0].piece);
  }
  BOOST_TEST(started == (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

BOOST_AUTO_TEST_CASE(random_policy_ignores_rarity_and_varies_with_the_seed) {
  auto first_pieces = [](std::uint64_t seed) {
    picker_options o = rarest_only(seed);
    o.policy = piece_policy::random;
    piece_picker pk(geo, o);
    pk.peer_bitfield(1, bitfield(8, true));
    pk.peer_bitfield(2, pieces(8, {0, 1, 2, 3, 4, 5, 6}));
    std::vector<std::uint32_t> out;
    for (int i = 0; i < 8; ++i) out.push_back(pk.pick(1, 4, t0).at(0).piece);
    return out;
  };
  std::set<std::uint32_t> firsts;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto order = first_pieces(seed);
    BOOST_TEST(std::set<std::uint32_t>(order.begin(), order.end()).size() == 8u); // each piece once
    firsts.insert(order[0]);
  }
  BOOST_TEST(firsts.size() > 3u); // rarest-first would always start with piece 7
}

BOOST_AUTO_TEST_CASE(policy_names_round_trip) {
  for (auto p : {piece_policy::rarest, piece_policy::sequential, piece_policy::random}) {
    piece_policy back = piece_policy::rarest;
    BOOST_TEST(policy_from_name(policy_name(p), back));
    BOOST_TEST((back == p));
  }
  piece_policy unused{};
  BOOST_TEST(!policy_from_name("fastest", unused));
}

BOOST_AUTO_TEST_CASE(resume_state_is_respected) {
  piece_picker pk(geo, rarest_only());
  pk.set_have(pieces(8, {0, 1, 2, 3, 4, 5, 6}));
  pk.peer_bitfield(1, bitfield(8, true));
  const auto got = pk.pick(1, 100, t0);
  BOOST_TEST(got.size() == 4u);
  for (auto& b : got) BOOST_TEST(b.piece == 7u);
  BOOST_TEST(pk.interesting(1));
}



// Unwanted pieces (rank 0) are never picked; a higher rank goes before rarity.
BOOST_AUTO_TEST_CASE(higher_ranks_first_and_rank_zero_never) {
  piece_picker pk(geo, rarest_only());
  pk.set_ranks({0, 2, 2, 3, 2, 2, 1, 0});
  pk.peer_bitfield(1, bitfield(8, true));
  pk.peer_bitfield(2, pieces(8, {0, 1, 2, 3, 4, 6, 7})); // 5 is rarest, but 3 ranks higher
  auto got = pk.pick(1, 4, t0);
  BOOST_TEST(got.size() == 4u);
  for (const auto& b : got) BOOST_TEST(b.piece == 3u);
  std::vector<std::uint32_t> order;
  for (auto& b : pk.pick(1, 100, t0))
    if (order.empty() || order.back() != b.piece) order.push_back(b.piece);
  // Normal rank next, rarest (5) first among them; low (6) last; 0 and 7 never.
  BOOST_TEST(order.size() == 5u);
  BOOST_TEST(order.front() == 5u);
  BOOST_TEST(order.back() == 6u);
  for (auto p : order) BOOST_TEST((p != 0u && p != 7u));
}

BOOST_AUTO_TEST_CASE(done_when_every_ranked_piece_is_in) {
  piece_picker pk(geo, rarest_only());
  pk.set_ranks({0, 0, 0, 0, 0, 0, 2, 2});
  pk.peer_bitfield(1, pieces(8, {0, 1, 2}));
  BOOST_TEST(!pk.interesting(1)); // it has only pieces we skip
  BOOST_TEST(pk.pick(1, 10, t0).empty());
  pk.peer_bitfield(1, bitfield(8, true));
  BOOST_TEST(pk.interesting(1));
  BOOST_TEST(!pk.done());
  auto got = pk.pick(1, 100, t0);
  BOOST_TEST(got.size() == 8u); // two pieces of four blocks
  BOOST_TEST(pk.in_endgame());  // nothing wanted left to start
  for (const auto& b : got) pk.block_received(1, b);
  pk.piece_verified(6);
  BOOST_TEST(!pk.done());
  pk.piece_verified(7);
  BOOST_TEST(pk.done());
  BOOST_TEST(!pk.complete());
  BOOST_TEST(!pk.in_endgame());
  BOOST_TEST(!pk.interesting(1));
}

BOOST_AUTO_TEST_CASE(verified_pieces_from_resume_count_toward_done) {
  piece_picker pk(geo, rarest_only());
  pk.set_have(pieces(8, {6}));
  pk.set_ranks({0, 0, 0, 0, 0, 0, 2, 2});
  BOOST_TEST(!pk.done());
  pk.piece_verified(7);
  BOOST_TEST(pk.done());
  BOOST_CHECK_THROW(pk.set_ranks({1, 2}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
