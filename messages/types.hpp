#pragma once
// The data carried in messages between actors. Each type has an inspect()
// overload, which is how CAF 0.17 learns about a message type.
#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "protocol/swarm/piece_picker.hpp"
#include "protocol/vocabulary.hpp"

namespace actorrent {

// block_ref (protocol/vocabulary.hpp): a 16 KiB request (piece, begin, length).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, block_ref& x) {
  return f(caf::meta::type_name("block_ref"), x.piece, x.begin, x.length);
}

// A received block on its way to the disk writer. The buffer is moved, not copied.
struct block_data {
  std::uint32_t piece = 0;
  std::uint32_t begin = 0;
  std::vector<char> bytes;
  peer_key from = 0; // who sent it: a failed piece is traced back to its culprit
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, block_data& x) {
  return f(caf::meta::type_name("block_data"), x.piece, x.begin, x.bytes, x.from);
}

// peer_address (protocol/vocabulary.hpp): where a peer can be reached.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_address& x) {
  return f(caf::meta::type_name("peer_address"), x.host, x.port);
}

// What the tracker needs from the session at each announce.
struct transfer_totals {
  std::int64_t uploaded = 0;
  std::int64_t downloaded = 0;
  std::int64_t left = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transfer_totals& x) {
  return f(caf::meta::type_name("transfer_totals"), x.uploaded, x.downloaded, x.left);
}

// The tracker's news for the session (and the user).
struct tracker_news {
  std::string url;
  std::string failure;  // empty: the announce worked
  std::string warning;
  std::int64_t seeders = -1;
  std::int64_t leechers = -1;
  std::vector<peer_address> peers;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tracker_news& x) {
  return f(caf::meta::type_name("tracker_news"), x.url, x.failure, x.warning, x.seeders, x.leechers, x.peers);
}

// One BEP 15 exchange for the UDP tracker actor: it does the connect step,
// the connection-id reuse and the retransmissions; the caller builds `body`
// (udp_tracker_codec) and parses the reply's payload.
struct udp_tracker_request {
  std::string host;
  std::uint16_t port = 0;
  std::uint32_t action = 0;        // udp_tracker::action
  std::string body;                // the request after its 16-byte header
  std::uint32_t first_timeout_ms = 15000; // doubled at each retransmission (15 * 2^n s)
  std::uint32_t attempts = 2;      // sends in all, the first included
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, udp_tracker_request& x) {
  return f(caf::meta::type_name("udp_tracker_request"), x.host, x.port, x.action, x.body, x.first_timeout_ms,
           x.attempts);
}

struct udp_tracker_reply {
  std::string failure;  // empty: `payload` is the checked reply after its 8-byte header
  std::string payload;
  bool ipv6 = false;    // the tracker was reached over IPv6 (peers are 18 bytes)
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, udp_tracker_reply& x) {
  return f(caf::meta::type_name("udp_tracker_reply"), x.failure, x.payload, x.ipv6);
}

// The DHT node's state, for the status line and --json.
struct dht_stats {
  std::uint32_t nodes = 0;    // in the routing table
  std::uint32_t lookups = 0;  // running
  std::uint64_t dropped = 0;  // packets refused: malformed, unsolicited or over the rate limit
  std::uint64_t announces = 0; // announce_peer queries sent
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dht_stats& x) {
  return f(caf::meta::type_name("dht_stats"), x.nodes, x.lookups, x.dropped, x.announces);
}

// The scheduler's view of download progress.
// Why a piece must be downloaded again (sent as its underlying byte).
enum class piece_failure : std::uint8_t {
  hash_mismatch = 0,       // a peer sent bad data: blame it
  injected_corruption = 1, // --fault corrupt-block altered it on our side: blame nobody
  write_error = 2,         // a block could not be written: blame nobody
};

struct download_stats {
  std::uint32_t pieces_total = 0;
  std::uint32_t pieces_have = 0;
  std::int64_t bytes_total = 0;
  std::int64_t bytes_have = 0;        // in verified pieces
  std::int64_t bytes_received = 0;    // payload this run, wasted included
  std::int64_t bytes_wasted = 0;      // duplicates and failed pieces
  std::uint32_t pieces_failed = 0;
  std::uint32_t pieces_in_progress = 0;
  std::uint32_t requests_outstanding = 0;
  bool endgame = false;
  std::uint64_t blocks_rerequested = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, download_stats& x) {
  return f(caf::meta::type_name("download_stats"), x.pieces_total, x.pieces_have, x.bytes_total, x.bytes_have,
           x.bytes_received, x.bytes_wasted, x.pieces_failed, x.pieces_in_progress, x.requests_outstanding,
           x.endgame, x.blocks_rerequested);
}

// A peer's once-a-second report to the session, for the choker.
struct peer_rates {
  peer_key key = 0;
  double from_peer = 0;           // payload bytes/s it sends us
  double to_peer = 0;             // payload bytes/s we send it
  std::int64_t uploaded = 0;      // payload bytes sent since the last report
  bool interested = false;        // it wants our data
  bool we_want = false;           // we want its data
  bool snubbed = false;           // it unchoked us yet sent nothing for 60 s
  std::uint32_t refused = 0;      // requests refused since the last report (bad, or while choked)
  std::int64_t downloaded = 0;    // payload bytes received since the last report
  std::uint64_t messages = 0;     // handled by the peer actor so far
  std::uint64_t mailbox_high_water = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_rates& x) {
  return f(caf::meta::type_name("peer_rates"), x.key, x.from_peer, x.to_peer, x.uploaded, x.interested, x.we_want, x.snubbed,
           x.refused, x.downloaded, x.messages, x.mailbox_high_water);
}

// The session's view of the swarm.
// Load of one actor (or of all peer actors together), for --json.
struct actor_load {
  std::string name;
  std::uint64_t messages = 0;
  std::uint64_t mailbox_high_water = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_load& x) {
  return f(caf::meta::type_name("actor_load"), x.name, x.messages, x.mailbox_high_water);
}

struct swarm_stats {
  std::uint32_t peers_connected = 0;
  std::uint32_t peers_known = 0;
  std::uint32_t peers_banned = 0;
  std::uint32_t peer_restarts = 0;
  std::int64_t seeders = -1;
  std::int64_t leechers = -1;
  std::int64_t bytes_uploaded = 0;     // all runs (the resume file's count and this run's)
  std::int64_t bytes_uploaded_now = 0; // this run
  std::uint64_t requests_refused = 0; // out of range, unheld piece, too long, or while choked
  std::uint32_t duplicate_connections = 0;
  std::vector<std::uint64_t> faults_injected; // per fault_kind
  std::vector<actor_load> actors;
  std::int64_t dht_nodes = -1;   // -1: no DHT
  std::uint32_t dht_lookups = 0;
  std::uint64_t dht_announces = 0;
  std::uint32_t peers_idle = 0;  // connections a newcomer could replace (neither side interested)
  double up_rate = 0;            // payload bytes/s we upload, over all peers
  double ratio = 0;              // uploaded (all runs) / torrent size
  std::uint32_t peers_sending = 0; // peers we received payload from lately
  std::uint32_t peers_getting = 0; // peers we sent payload to lately
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swarm_stats& x) {
  return f(caf::meta::type_name("swarm_stats"), x.peers_connected, x.peers_known, x.peers_banned,
           x.peer_restarts, x.seeders, x.leechers, x.bytes_uploaded, x.bytes_uploaded_now, x.requests_refused,
           x.duplicate_connections, x.faults_injected, x.actors, x.dht_nodes, x.dht_lookups, x.dht_announces, x.peers_idle,
           x.up_rate, x.ratio, x.peers_sending, x.peers_getting);
}

} // namespace actorrent
