#pragma once
// Facts about one download, shared by its actors (spawned with a shared_ptr
// to this, never mutated after start) and its live limits, which the engine
// changes in place while the torrent runs.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/swarm/connection_budget.hpp"
#include "protocol/fault_plan.hpp"
#include "protocol/storage/file_selection.hpp"
#include "protocol/metainfo/metainfo.hpp"
#include "protocol/peer_id.hpp"
#include "protocol/swarm/piece_picker.hpp"
#include "protocol/swarm/rate_limit.hpp"
#include "protocol/storage/resume_data.hpp"
#include "protocol/storage/storage.hpp"
#include "protocol/tracker/tracker_codec.hpp"

namespace actorrent {

struct worker_pools; // actors/worker_pool.hpp

struct engine_options {
  std::string download_dir = ".";
  // Where resume files go (empty: DOWNLOAD_DIR/.actorrent, the one-shot CLI's place).
  std::string resume_dir;
  std::uint16_t listen_port = 6881;
  std::size_t max_peers = 50;
  bool seed_after_download = true; // --no-seed clears it
  bool recheck = false;
  // Files to fetch and their priorities (--only/--skip, torrent-set).
  file_selection files;
  double seed_ratio = 0;                 // stop seeding at uploaded/size >= this (0: never)
  std::chrono::minutes seed_time{0};     // stop seeding after this long (0: never)
  std::size_t upload_slots = 4;
  piece_policy policy = piece_policy::rarest; // --piece-policy
  // Pipeline: enough requests for ~3 s of the peer's rate, within these bounds.
  std::uint32_t pipeline_min = 16;
  std::uint32_t pipeline_max = 500;
  std::chrono::seconds request_timeout{30};
  // Blocks received but not yet written: past this, no new requests go out.
  // Bounds memory when the disk is slower than the network.
  std::int64_t max_disk_backlog = 16 << 20;
  // Download rate limit in bytes/s (0: none), applied to requests handed out,
  // and upload rate limit over all peers (the upload gate): the starting
  // rates of the context's live limits.
  std::int64_t max_download_rate = 0;
  std::int64_t max_upload_rate = 0;
  // Trackers over HTTPS: an extra CA bundle, or no verification at all (tests).
  std::string ca_file;
  bool insecure_tls = false;
  // UDP trackers (BEP 15): first reply timeout, doubled at each resend, and
  // how many sends before giving up on one (15 s, 2: silence costs 45 s).
  std::uint32_t udp_tracker_timeout_ms = 15000;
  std::uint32_t udp_tracker_attempts = 2;
  // DHT (BEP 5): the UDP port of our node, sent to peers in PORT messages (0: no DHT).
  std::uint16_t dht_port = 0;
  // Peers to dial from the start (a magnet link's x.pe), besides the trackers'.
  std::vector<peer_endpoint> initial_peers;
  // Faults to inject (--fault KIND=RATE, --fault-seed N).
  fault_plan faults;
  // Transmission RPC (--rpc-bind HOST:PORT; off unless given) and its
  // credentials (--rpc-auth-file: required unless HOST is loopback).
  bool rpc = false;
  std::string rpc_host = "127.0.0.1";
  std::uint16_t rpc_port = 9091;
  std::optional<std::string> rpc_username, rpc_password;
  // Output.
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  // Under the daemon: no status lines at all (the RPC shows the figures).
  bool silent = false;
};

struct torrent_context {
  metainfo torrent;
  peer_id self_id{};
  engine_options options;
  // The engine's shared threads: every blocking call of this torrent runs there.
  std::shared_ptr<const worker_pools> pools;
  // The pieces options.files asks for (set by make_context).
  piece_selection pieces;
  // Live limits (thread-safe): the torrent's own and, under the daemon, the
  // engine's shared ones; never null. limits_from_options sets them alone.
  rate_chain_ptr download_rate = std::make_shared<rate_chain>(nullptr, nullptr); // requests handed out
  rate_chain_ptr upload_rate = std::make_shared<rate_chain>(nullptr, nullptr);   // blocks sent
  peer_slots_ptr slots = std::make_shared<peer_slots>(std::make_shared<connection_budget>(50), nullptr);
};

// Limits of this torrent alone, from its options (the one-shot CLI).
inline void limits_from_options(torrent_context& ctx) {
  ctx.download_rate = std::make_shared<rate_chain>(std::make_shared<shared_rate>(ctx.options.max_download_rate), nullptr);
  ctx.upload_rate = std::make_shared<rate_chain>(std::make_shared<shared_rate>(ctx.options.max_upload_rate), nullptr);
  ctx.slots = std::make_shared<peer_slots>(std::make_shared<connection_budget>(ctx.options.max_peers), nullptr);
}

using context_ptr = std::shared_ptr<const torrent_context>;

// DIR/INFOHASH.resume, in resume_dir or the download dir's .actorrent.
inline std::string resume_file(const engine_options& o, const sha1_digest& info_hash) {
  if (o.resume_dir.empty()) return resume_path(o.download_dir, info_hash);
  return o.resume_dir + "/" + to_hex(info_hash) + ".resume";
}

// Beside the resume file: the bytes of unwanted files that wanted pieces hold.
inline std::string parts_file(const engine_options& o, const sha1_digest& info_hash) {
  const std::string resume = resume_file(o, info_hash);
  return resume.substr(0, resume.size() - std::string_view(".resume").size()) + ".parts";
}

inline std::shared_ptr<torrent_context> make_context(metainfo m, const peer_id& self, engine_options o,
                                                     std::shared_ptr<const worker_pools> pools) {
  auto ctx = std::make_shared<torrent_context>();
  ctx->torrent = std::move(m);
  ctx->self_id = self;
  ctx->options = std::move(o);
  ctx->pools = std::move(pools);
  ctx->pieces = select_pieces(ctx->torrent, ctx->options.files);
  limits_from_options(*ctx);
  return ctx;
}

// The storage of this torrent's payload, honouring the file selection.
inline unwanted_files unwanted_of(const torrent_context& ctx) {
  if (ctx.options.files.wanted.empty()) return {};
  return {ctx.options.files.wanted, parts_file(ctx.options, ctx.torrent.info_hash)};
}

} // namespace actorrent
