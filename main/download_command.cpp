#include "main/download_command.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
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

#include "actors/session.hpp"
#include "main/terminal_text.hpp"
#include "messages/atoms.hpp"

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

int run_download(const download_options& options) {
  auto torrent = load_torrent_or_report(options.torrent_path);
  if (!torrent) return 2;
  setup_logging(options.engine);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr); // inherited by every thread from here on

  auto ctx = std::make_shared<torrent_context>();
  ctx->torrent = std::move(*torrent);
  ctx->self_id = make_peer_id();
  ctx->options = options.engine;

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
    caf::actor session = spawn_session(sys, ctx);
    self->monitor(session);

    std::atomic<bool> finished{false};
    std::thread signal_thread([session, signals, &finished] {
      int sig = 0;
      if (sigwait(&signals, &sig) == 0 && !finished) caf::anon_send(session, msg::interrupt_atom::value, sig);
    });

    self->receive([&](caf::down_msg& dm) {
      if (!dm.reason)
        exit_code = 0;
      else if (dm.reason.category() == session_exit_category())
        exit_code = dm.reason.code();
      else {
        spdlog::error("the session failed: {}", caf::to_string(dm.reason));
        exit_code = 1;
      }
    });
    finished = true;
    // Wake the signal thread if no signal came.
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
  }
  // The session is down: data is flushed and the resume file saved. CAF 0.17
  // can wait forever in ~actor_system for a detached actor that a lingering
  // broker still references (seen after several peers were dropped for
  // hostile input), so its teardown gets a deadline.
  std::thread([exit_code] {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    spdlog::debug("actor system teardown stuck: exiting anyway");
    std::fflush(nullptr);
    std::_Exit(exit_code);
  }).detach();
  system.reset();
  curl_global_cleanup();
  return exit_code;
}

} // namespace actorrent::cli
