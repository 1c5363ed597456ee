#include "main/download_command.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <csignal>
#include <malloc.h>
#include <pthread.h>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/dht.hpp"
#include "actors/listener.hpp"
#include "actors/metadata_fetcher.hpp"
#include "actors/session.hpp"
#include "main/teardown.hpp"
#include "main/terminal_text.hpp"
#include "messages/atoms.hpp"
#include "protocol/storage/atomic_file.hpp"
#include "protocol/metainfo/magnet.hpp"

namespace actorrent::cli {

namespace {

void setup_logging(const engine_options& o) {
  auto logger = spdlog::stderr_color_mt("actorrent");
  logger->set_pattern(o.verbose ? "%H:%M:%S.%e %^%l%$ %v" : "%^%l%$: %v");
  logger->set_level(o.quiet ? spdlog::level::err : o.verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

// SIGINT/SIGTERM are blocked in every thread and collected by one thread with
// sigwait, which tells the session: shutdown is then an ordinary message.
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

} // namespace

namespace {

// Writes DIR/NAME.torrent (atomically) for a magnet's fetched metadata; the
// name comes from the verified info dictionary, already checked to be a safe
// single path component.
std::string save_torrent_file(const std::string& dir, const metainfo& m, const std::string& bytes) {
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + m.name + ".torrent";
  save_file_atomically(path, bytes);
  return path;
}

// Who a Ctrl-C goes to: the metadata fetcher first, then the session.
class signal_target {
public:
  void set(caf::actor a) {
    std::lock_guard<std::mutex> lock(mutex_);
    actor_ = std::move(a);
  }
  void interrupt(int sig) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (actor_) caf::anon_send(actor_, msg::interrupt_atom::value, sig);
  }

private:
  std::mutex mutex_;
  caf::actor actor_;
};

int exit_code_of(const caf::error& reason, const char* what) {
  if (!reason) return 0;
  if (reason.category() == session_exit_category()) return reason.code();
  spdlog::error("the {} failed: {}", what, caf::to_string(reason));
  return 1;
}

} // namespace

worker_pool_sizes pool_sizes(const download_options& options) {
  worker_pool_sizes sizes;
  sizes.disk = options.disk_threads ? options.disk_threads : std::max(2u, std::thread::hardware_concurrency());
  sizes.network = std::max(1u, options.network_threads);
  return sizes;
}

dht_config dht_config_for(const download_options& options, std::string state_file) {
  dht_config dc;
  dc.port = options.engine.listen_port;
  dc.state_file = std::move(state_file);
  if (options.dht_bootstrap.empty()) {
    dc.bootstrap = default_dht_routers();
  } else {
    for (const auto& hp : options.dht_bootstrap) { // checked HOST:PORT by the command line
      const auto colon = hp.rfind(':');
      dc.bootstrap.push_back({hp.substr(0, colon), static_cast<std::uint16_t>(std::stoi(hp.substr(colon + 1)))});
    }
  }
  return dc;
}

int run_download(const download_options& options) {
  std::optional<metainfo> torrent;
  std::optional<magnet_link> magnet;
  if (is_magnet(options.torrent_path)) {
    try {
      magnet = parse_magnet(options.torrent_path);
    } catch (const magnet_error& e) {
      fmt::print(stderr, "actorrent: {}\n", printable(e.what()));
      return 2;
    }
  } else {
    torrent = load_torrent_or_report(options.torrent_path);
    if (!torrent) return 2;
    try { // a bad --only/--skip is refused before anything starts
      selection_from_lists(options.only_files, options.skip_files, *torrent);
    } catch (const std::invalid_argument& e) {
      fmt::print(stderr, "actorrent: {}\n", e.what());
      return 2;
    }
  }
  setup_logging(options.engine);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr); // inherited by every thread from here on

  auto ctx = std::make_shared<torrent_context>();
  ctx->self_id = make_peer_id();
  ctx->options = options.engine;
  limits_from_options(*ctx);

  // Block buffers come and go by the tens of megabytes a second: without this
  // glibc hands the heap top back to the kernel and faults it in again,
  // zeroed, a page at a time. The disk backlog bounds what is kept.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  const unsigned threads = options.threads ? options.threads : std::max(2u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", static_cast<size_t>(threads));
  // Work stealing polls its queues with 50-us sleeps when idle, which on a
  // busy download costs more CPU than it saves; sharing sleeps on a condition.
  cfg.set("scheduler.policy", caf::atom_from_string(options.scheduler_policy));
  int exit_code = 1;
  auto system = std::make_unique<caf::actor_system>(cfg);
  {
    caf::actor_system& sys = *system;
    caf::scoped_actor self{sys};
    signal_target target;
    std::atomic<bool> finished{false};
    std::thread signal_thread([&target, signals, &finished] {
      int sig = 0;
      if (sigwait(&signals, &sig) == 0 && !finished) target.interrupt(sig);
    });

    // One DHT node for the process (BEP 5), on the same port number as TCP.
    caf::actor dht;
    if (options.dht) {
      dht = spawn_dht(sys, dht_config_for(options, options.engine.download_dir + "/.actorrent/dht.dat"));
      if (dht) ctx->options.dht_port = options.engine.listen_port;
    }
    auto pools = std::make_shared<worker_pools>(spawn_worker_pools(sys, pool_sizes(options)));
    ctx->pools = pools;

    caf::actor listener;
    bool run_session = true;
    if (magnet) {
      // Phase 1: the info dictionary from the swarm (BEP 9).
      caf::actor fetcher = spawn_metadata_fetcher(sys, *magnet, ctx->self_id, options.engine, self, dht, pools);
      target.set(fetcher);
      self->monitor(fetcher);
      std::string info;
      bool got = false;
      self->receive([&](msg::complete_atom, std::string& bytes) { info = std::move(bytes), got = true; },
                    [&](caf::down_msg& dm) { exit_code = exit_code_of(dm.reason, "metadata fetcher"); });
      run_session = got;
      if (got) {
        try {
          metainfo m = parse_info_dict(info);
          for (const auto& url : magnet->trackers) m.tracker_tiers.push_back({url});
          const std::string path = save_torrent_file(options.engine.download_dir, m, make_torrent_file(info, magnet->trackers));
          spdlog::info("saved the torrent as {}", printable(path));
          torrent = std::move(m);
          ctx->options.initial_peers = magnet->peers;
          if (options.magnet_only) {
            exit_code = 0;
            run_session = false;
          }
        } catch (const std::exception& e) {
          // It hashed to the info-hash, yet is not a usable torrent: nothing to download.
          spdlog::error("the magnet's metadata is unusable: {}", e.what());
          exit_code = 2;
          run_session = false;
        }
      }
    }
    if (run_session) {
      try {
        ctx->options.files = selection_from_lists(options.only_files, options.skip_files, *torrent);
      } catch (const std::invalid_argument& e) {
        spdlog::error("{}", e.what());
        exit_code = 2;
        run_session = false;
      }
    }
    if (run_session) {
      ctx->torrent = std::move(*torrent);
      ctx->pieces = select_pieces(ctx->torrent, ctx->options.files);
      // Listen before the first announce, so the tracker learns the real port.
      listener = spawn_listener(sys, ctx->options.listen_port);
      caf::actor session = spawn_session(sys, ctx, dht, listener);
      target.set(session);
      self->monitor(session);
      bool down = false;
      while (!down)
        self->receive([&](caf::down_msg& dm) {
          if (dm.source != session.address()) return; // the finished fetcher
          exit_code = exit_code_of(dm.reason, "session");
          down = true;
        });
    }
    if (listener) self->send_exit(listener, caf::exit_reason::user_shutdown);
    stop_worker_pools(*pools);
    if (dht) { // the routing table is kept for the next run
      self->request(dht, std::chrono::seconds(2), msg::leave_atom::value)
          .receive([](msg::leave_atom) {}, [](caf::error&) {});
      self->send_exit(dht, caf::exit_reason::user_shutdown);
    }
    target.set(caf::actor{});
    finished = true;
    // Wake the signal thread if no signal came.
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
  }
  // The session is down: data is flushed and the resume file saved.
  return tear_down(std::move(system), exit_code);
}

} // namespace actorrent::cli
