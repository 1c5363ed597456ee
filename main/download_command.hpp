#pragma once
// `actorrent [OPTIONS] TORRENT`: runs the actor system for one download.
#include <string>
#include <vector>

#include "actors/dht.hpp"
#include "actors/torrent_context.hpp"
#include "actors/worker_pool.hpp"

namespace actorrent::cli {

struct download_options {
  std::string torrent_path; // a .torrent file or a magnet link
  bool magnet_only = false;  // fetch a magnet's metadata, save DIR/NAME.torrent, exit
  std::string only_files;    // --only 1,3-5: fetch just these files (numbers from 1)
  std::string skip_files;    // --skip 2: fetch all files but these
  bool dht = true;           // --no-dht clears it
  std::vector<std::string> dht_bootstrap; // HOST:PORT; empty: the public routers
  engine_options engine;
  unsigned threads = 0; // CAF scheduler threads; 0 = one per core
  unsigned disk_threads = 0;     // the disk pool (reads, checks, fsync); 0 = one per core, at least 2
  unsigned network_threads = 8;  // the network pool (tracker HTTP/UDP, name lookups)
  std::string scheduler_policy = "sharing"; // CAF scheduler: sharing (one queue, sleep on a condition) or stealing
};

// The engine's shared pools as the options size them.
worker_pool_sizes pool_sizes(const download_options& options);

// The DHT node the options ask for, keeping its routing table in `state_file`.
dht_config dht_config_for(const download_options& options, std::string state_file);

// Returns the process exit code: 0 complete, 1 runtime error, 2 bad torrent,
// 128+signal when interrupted.
int run_download(const download_options& options);

} // namespace actorrent::cli
