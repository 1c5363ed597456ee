#pragma once
// Typed interfaces: every conversation between the long-lived actors.
// Peer actors are brokers (untyped, they also handle socket events); what they
// receive is listed in actors/peer.hpp.
#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/types.hpp"

namespace actorrent {

// Piece scheduler: decides which blocks each peer requests.
using scheduler_actor = caf::typed_actor<
    caf::reacts_to<msg::join_atom, peer_key, caf::actor>,            // a peer connected
    caf::reacts_to<msg::bitfield_atom, peer_key, std::string>,       // its validated bitfield
    caf::reacts_to<msg::have_atom, peer_key, std::uint32_t>,         // it got a piece
    // Blocks that arrived since the last message, and how many new ones it wants.
    caf::replies_to<msg::want_atom, peer_key, std::uint32_t, std::vector<block_ref>>::with<std::vector<block_ref>>,
    caf::reacts_to<msg::want_atom>,                                  // rate-limit refill timer
    caf::reacts_to<msg::block_atom, peer_key, std::vector<block_ref>>, // requested blocks arrived (one read's worth)
    caf::reacts_to<msg::release_atom, peer_key>,                     // it choked us: requests void
    caf::reacts_to<msg::release_atom, peer_key, block_ref>,          // it rejected one request (BEP 6)
    caf::reacts_to<msg::leave_atom, peer_key>,                       // it is gone
    caf::reacts_to<msg::verified_atom, std::vector<std::uint32_t>>,  // from the disk writer, a batch at a time
    caf::reacts_to<msg::failed_atom, std::uint32_t, std::uint8_t>,   // from the disk writer (piece_failure)
    caf::reacts_to<msg::written_atom, std::uint64_t>,                // disk writer processed bytes
    caf::replies_to<msg::stats_atom>::with<download_stats>,
    caf::reacts_to<msg::tick_atom>>;

// Disk writer: writes blocks, verifies pieces, flushes.
using disk_actor = caf::typed_actor<
    caf::reacts_to<std::vector<block_data>>,                          // blocks of one read from one peer
    caf::replies_to<msg::read_atom, std::vector<block_ref>>::with<std::vector<char>>,  // blocks of verified pieces, concatenated
    caf::replies_to<msg::flush_atom>::with<msg::flush_atom>,
    caf::reacts_to<msg::verified_atom>,                               // timer: announce verified pieces now
    caf::reacts_to<msg::tick_atom>>;

// Resume keeper: records pieces that are verified and flushed.
using resume_actor = caf::typed_actor<
    caf::reacts_to<msg::durable_atom, std::vector<std::uint32_t>>,
    caf::replies_to<msg::save_atom, transfer_totals>::with<msg::save_atom>,
    caf::reacts_to<msg::tick_atom>>;

// Tracker client: announces and hands peers to the session.
using tracker_actor = caf::typed_actor<
    caf::reacts_to<msg::announce_atom>,                              // regular or first announce
    caf::reacts_to<msg::reannounce_atom>,                            // one more, now (the user asked)
    caf::reacts_to<msg::trackers_atom, std::vector<std::vector<std::string>>>, // new tiers (torrent-set), then announce
    caf::reacts_to<msg::complete_atom>,                              // announce 'completed'
    caf::replies_to<msg::leave_atom>::with<msg::leave_atom>>;        // announce 'stopped'

// Progress reporter: the status line, --json lines, the final summary.
using progress_actor = caf::typed_actor<
    caf::reacts_to<msg::tick_atom>,
    caf::reacts_to<msg::check_atom, std::uint32_t, std::uint32_t>,   // checked so far, to check
    caf::reacts_to<msg::join_atom, scheduler_actor>,                 // the download has started
    caf::replies_to<msg::complete_atom>::with<msg::complete_atom>,   // print the final line now
    caf::replies_to<msg::stats_atom>::with<std::string>>;            // the latest --json object (RPC)

// Upload gate: grants bytes to send at --max-upload-rate, first come first served.
using upload_gate_actor = caf::typed_actor<
    caf::replies_to<msg::grant_atom, std::uint32_t>::with<msg::grant_atom>,
    caf::reacts_to<msg::tick_atom>>;                                 // its own refill timer

} // namespace actorrent
