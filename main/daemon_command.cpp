#include "main/daemon_command.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <malloc.h>
#include <pthread.h>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <curl/curl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/dht.hpp"
#include "actors/engine.hpp"
#include "actors/listener.hpp"
#include "actors/rpc_server.hpp"
#include "main/teardown.hpp"
#include "messages/atoms.hpp"

namespace actorrent::cli {

namespace {

std::string home() {
  const char* h = std::getenv("HOME");
  return h && *h ? h : ".";
}

} // namespace

std::string default_state_dir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && *xdg == '/') return std::string(xdg) + "/actorrent";
  return home() + "/.local/share/actorrent";
}

std::string default_download_dir() { return home() + "/Downloads"; }

int run_daemon(const daemon_options& options) {
  const engine_options& eo = options.base.engine;
  auto logger = spdlog::stderr_color_mt("actorrent");
  logger->set_pattern("%Y-%m-%d %H:%M:%S %^%l%$ %v");
  logger->set_level(eo.quiet ? spdlog::level::err : eo.verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
  std::error_code ec;
  const std::string state_dir = std::filesystem::absolute(options.state_dir, ec).lexically_normal().string();
  const std::string download_dir = std::filesystem::absolute(options.download_dir, ec).lexically_normal().string();
  std::filesystem::create_directories(state_dir, ec);
  if (ec) {
    spdlog::error("cannot create the state dir {}: {}", state_dir, ec.message());
    return 1;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr); // every thread from here on; one sigwaits
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);

  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  const unsigned threads = options.base.threads ? options.base.threads : std::max(2u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", static_cast<size_t>(threads));
  cfg.set("scheduler.policy", caf::atom_from_string(options.base.scheduler_policy));
  int exit_code = 0;
  auto system = std::make_unique<caf::actor_system>(cfg);
  {
    caf::actor_system& sys = *system;
    caf::scoped_actor self{sys};
    engine_config ec_cfg;
    ec_cfg.defaults = eo;
    ec_cfg.state_dir = state_dir;
    ec_cfg.download_dir = download_dir;
    ec_cfg.rest_after = std::chrono::seconds(options.rest_after_s);
    ec_cfg.self_id = make_peer_id();
    ec_cfg.listener = spawn_listener(sys, ec_cfg.defaults.listen_port);
    ec_cfg.pools = std::make_shared<worker_pools>(spawn_worker_pools(sys, pool_sizes(options.base)));
    if (options.base.dht) {
      download_options with_port = options.base;
      with_port.engine.listen_port = ec_cfg.defaults.listen_port;
      ec_cfg.dht = spawn_dht(sys, dht_config_for(with_port, state_dir + "/dht.dat"));
      if (ec_cfg.dht) ec_cfg.defaults.dht_port = ec_cfg.defaults.listen_port;
    }
    caf::actor engine, rpc;
    try {
      engine = spawn_engine(sys, ec_cfg);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      exit_code = 1;
    }
    if (engine) {
      rpc_endpoint where{eo.rpc_host, eo.rpc_port, eo.rpc_username, eo.rpc_password};
      std::string error;
      rpc = spawn_rpc_server(sys, where, engine, error);
      if (!rpc) {
        spdlog::error("{}", error);
        exit_code = 1;
      } else {
        spdlog::info("actorrent {} daemon: state in {}, peers on port {}, Transmission RPC on http://{}:{}/transmission/rpc",
                     ACTORRENT_VERSION, state_dir, ec_cfg.defaults.listen_port,
                     where.host.find(':') != std::string::npos ? "[" + where.host + "]" : where.host, where.port);
        self->monitor(engine);
        std::atomic<bool> finished{false};
        std::thread signal_thread([&, engine] {
          int sig = 0;
          if (sigwait(&signals, &sig) == 0 && !finished) {
            spdlog::info("signal {}: stopping", sig);
            caf::anon_send(engine, msg::stop_atom::value);
          }
        });
        self->receive([&](caf::down_msg&) {}); // the engine is down: stopped by a signal or session-close
        finished = true;
        pthread_kill(signal_thread.native_handle(), SIGTERM);
        signal_thread.join();
      }
      if (exit_code != 0) self->send(engine, msg::stop_atom::value);
    }
    for (const caf::actor& a : {rpc, ec_cfg.listener})
      if (a) self->send_exit(a, caf::exit_reason::user_shutdown);
    stop_worker_pools(*ec_cfg.pools);
    if (ec_cfg.dht) {
      self->request(ec_cfg.dht, std::chrono::seconds(2), msg::leave_atom::value).receive([](msg::leave_atom) {}, [](caf::error&) {});
      self->send_exit(ec_cfg.dht, caf::exit_reason::user_shutdown);
    }
  }
  return tear_down(std::move(system), exit_code);
}

} // namespace actorrent::cli
