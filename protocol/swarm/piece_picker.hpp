#pragma once
// The download policy: which blocks each peer should request next.
//
// - rarest first (availability counted from bitfields and haves), random among
//   equals; the first few pieces are picked at random so one completes quickly;
// - partial pieces are finished before new ones start, and one piece's blocks
//   are spread over every peer that has it;
// - endgame: once no piece is left to start, blocks already requested from
//   others may be requested again (the first arrival cancels the rest);
// - a request outstanding longer than the timeout goes back to the pool;
// - a piece that fails its hash is downloaded again, and a peer that
//   alone delivered too many failed pieces is reported for banning.
//
// Plain class, no threads or actors: the scheduler actor drives it.
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/bitfield.hpp"
#include "protocol/storage/piece_geometry.hpp"
#include "protocol/vocabulary.hpp"

namespace actorrent {

// Which new piece to start: rarest first (the swarm-friendly default),
// sequential (by index: streaming, or to compare designs), or random.
enum class piece_policy : std::uint8_t { rarest, sequential, random };
const char* policy_name(piece_policy p);
bool policy_from_name(const std::string& name, piece_policy& out);

struct picker_options {
  piece_policy policy = piece_policy::rarest;
  std::size_t random_first_pieces = 4;
  std::chrono::milliseconds request_timeout{30000};
  std::size_t endgame_max_requesters = 3; // peers that may hold one block in endgame
  std::size_t ban_after_failed_pieces = 3;
  std::uint64_t seed = 0; // 0: seed from std::random_device
};

class piece_picker {
public:
  using clock = std::chrono::steady_clock;

  piece_picker(piece_geometry geometry, picker_options options = {});

  // Pieces already verified (from resume data or a recheck).
  void set_have(const bitfield& have);
  // Per piece: 0 never fetched, else higher first (a high-priority file's
  // pieces before the rest, whatever their rarity). Empty: all alike.
  void set_ranks(std::vector<std::uint8_t> ranks);

  void add_peer(peer_key peer);
  void peer_bitfield(peer_key peer, const bitfield& has);
  void peer_have(peer_key peer, std::uint32_t piece);
  // Forgets the peer: its availability and its outstanding requests.
  void remove_peer(peer_key peer);
  // The peer choked us, which voids its requests (BEP 3): give them back.
  void release_requests(peer_key peer);
  // The peer refused one request (BEP 6 reject): that block is free again
  // unless someone else also has it requested.
  void release_block(peer_key peer, const block_ref& block);

  // Up to max_blocks new requests for this peer, marked as requested by it.
  std::vector<block_ref> pick(peer_key peer, std::size_t max_blocks, clock::time_point now);

  struct arrival {
    bool useful = false;          // false: duplicate, or a piece no longer wanted
    bool piece_complete = false;  // every block of the piece is now in
    std::vector<peer_key> cancel; // other peers that still have this block requested
  };
  arrival block_received(peer_key peer, const block_ref& block);

  void piece_verified(std::uint32_t piece);
  // The piece will be fetched again. Returns peers that reached the ban
  // threshold: only failures of pieces a peer delivered alone count, since an
  // honest peer often shares a piece with the culprit. (Who sent the bad block
  // of a shared piece is found by the disk writer's block hashes.)
  // With blame = false (the data was lost or altered on our side, e.g. a
  // write error), no peer is held responsible.
  std::vector<peer_key> piece_failed(std::uint32_t piece, bool blame = true);

  // Requests outstanding longer than the timeout, now free again: the caller
  // tells each peer to cancel.
  std::vector<std::pair<peer_key, block_ref>> expire(clock::time_point now);

  bool interesting(peer_key peer) const; // the peer has a piece we still need
  bool complete() const { return have_.all(); }
  bool done() const { return missing_wanted_ == 0; } // every piece we fetch is in
  bool in_endgame() const;
  const bitfield& have() const { return have_; }
  const piece_geometry& geometry() const { return geometry_; }
  std::size_t requests_outstanding() const;
  std::size_t pieces_in_progress() const { return active_.size(); }
  std::size_t peer_failures(peer_key peer) const;
  // Blocks that must be (or were) requested again: given back by a choke, a
  // departed peer or a timeout, in a failed piece, or duplicated in endgame.
  std::uint64_t blocks_rerequested() const { return rerequested_; }

private:
  enum class block_state : std::uint8_t { free, requested, received };
  struct block_info {
    block_state state = block_state::free;
    std::vector<peer_key> requesters;
    clock::time_point requested_at{};
  };
  struct active_piece {
    std::vector<block_info> blocks;
    std::size_t received = 0;
    std::vector<peer_key> contributors;
  };
  struct peer_entry {
    bitfield has;
    std::size_t failed_pieces = 0;
  };

  bool wanted(std::uint32_t piece) const; // not had, not in progress, not awaiting its hash
  bool ranked(std::uint32_t piece) const { return ranks_.empty() || ranks_[piece] > 0; }
  void count_missing();
  void take_blocks(active_piece& ap, std::uint32_t piece, peer_key peer, std::size_t max,
                   clock::time_point now, std::vector<block_ref>& out, bool endgame);
  void rebuild_order();
  void change_availability(const bitfield& has, int delta);
  block_ref make_ref(std::uint32_t piece, std::size_t block) const;

  piece_geometry geometry_;
  picker_options options_;
  bitfield have_;
  bitfield awaiting_hash_;
  std::vector<std::uint32_t> availability_;
  std::vector<std::uint32_t> tie_break_; // random per piece: "random among equals"
  std::vector<std::uint8_t> ranks_;      // empty: every piece wanted alike
  std::size_t missing_wanted_ = 0;       // wanted pieces not yet verified
  std::vector<std::uint32_t> order_;     // candidate pieces, best first
  bool order_dirty_ = true;
  std::size_t order_done_ = 0;           // order_[0, order_done_) are verified
  std::unordered_map<std::uint32_t, active_piece> active_;
  std::unordered_map<peer_key, peer_entry> peers_;
  std::mt19937_64 rng_;
  std::uint64_t rerequested_ = 0;
};

} // namespace actorrent
