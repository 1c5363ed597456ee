// actorrent command line: parses arguments and hands over to a command.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "main/create_command.hpp"
#include "main/daemon_command.hpp"
#include "main/download_command.hpp"
#include "protocol/metainfo/magnet.hpp"
#include "protocol/storage/resume_data.hpp"
#include "protocol/rpc/rpc_options.hpp"
#include "main/show_command.hpp"
#include "main/terminal_text.hpp"

namespace {

constexpr int exit_usage = 2;

constexpr const char* examples = R"(
Examples:
  actorrent ubuntu.torrent -d ~/Downloads      download, then keep seeding until Ctrl-C
  actorrent --no-seed --json file.torrent      download, one JSON status object per second
  actorrent --recheck -d data file.torrent     hash what is on disk first, then resume
  actorrent show ubuntu.torrent                what is inside a torrent
  actorrent create ~/album -t http://tracker.example/announce -o album.torrent
  actorrent --fault peer-crash=0.01 --fault-seed 7 --no-seed f.torrent
                                               crash 1% of peer message handlers, reproducibly
  actorrent -torrent file.torrent -dir out     the Go original's flag spellings work too

Exit codes: 0 complete, 1 runtime error, 2 bad usage or bad torrent, 130/143 interrupted.)";

// CLI::Range lets NaN through (every comparison with it is false): numbers
// given as text must be finite first.
const CLI::Validator finite_number(
    [](std::string& text) {
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0' || !std::isfinite(v)) return "'" + text + "' is not a finite number";
      return std::string();
    },
    "FINITE");

// The Go original used single-dash long flags; CLI11 wants two dashes.
std::vector<std::string> translate_go_flags(int argc, char** argv) {
  static const char* const go_flags[] = {"-torrent", "-dir", "-port", "-verbose"};
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    for (const char* g : go_flags) {
      const std::size_t n = std::strlen(g);
      if (a == g || (a.compare(0, n, g) == 0 && a.size() > n && a[n] == '=')) a = "-" + a;
    }
    out.push_back(a);
  }
  std::reverse(out.begin(), out.end()); // CLI11 parses a reversed vector
  return out;
}

// --port 0: the kernel's choice of a free port.
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  socklen_t len = sizeof a;
  std::uint16_t port = 6881;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0) ::close(fd);
  return port;
}

} // namespace

int main(int argc, char** argv) {
  using namespace actorrent::cli;
  CLI::App app{"actorrent: a BitTorrent client built from actors"};
  app.footer(examples);
  app.set_version_flag("--version", std::string("actorrent ") + ACTORRENT_VERSION);
  app.require_subcommand(0, 1);

  download_options dl;
  auto& eo = dl.engine;
  std::string torrent_flag;
  unsigned port = 6881;
  auto* positional = app.add_option("torrent", dl.torrent_path, "a .torrent file or a magnet link to download");
  app.add_option("--torrent", torrent_flag, "the .torrent file (as in the Go original)")->excludes(positional);
  app.add_option("-d,--dir", eo.download_dir, "download directory")->capture_default_str();
  app.add_option("-p,--port", port, "port to announce (0: pick a free one)")->capture_default_str()->check(CLI::Range(0, 65535));
  app.add_flag("-v,--verbose", eo.verbose, "detailed logs: connections, chokes, pieces, errors");
  app.add_flag("-q,--quiet", eo.quiet, "print nothing but errors");
  app.add_flag("--json", eo.json, "print one JSON status object per second on stdout");
  app.add_option("--max-peers", eo.max_peers, "most peer connections at once")->capture_default_str()->check(CLI::Range(1, 5000));
  app.add_option("--threads", dl.threads, "CAF scheduler threads (default: one per core)")->check(CLI::Range(1, 256));
  app.add_option("--disk-threads", dl.disk_threads, "threads for blocking disk work: start-up reads, checks, fsync, resume files (default: one per core, at least 2)")
      ->check(CLI::Range(1, 256));
  app.add_option("--network-threads", dl.network_threads, "threads for tracker announces (libcurl, UDP) and name lookups")
      ->capture_default_str()->check(CLI::Range(1, 256));
  app.add_option("--scheduler-policy", dl.scheduler_policy, "CAF scheduler: sharing (one queue) or stealing (per-thread queues)")
      ->capture_default_str()->check(CLI::IsMember({"sharing", "stealing"}));
  app.add_option("--only", dl.only_files, "fetch only these files, numbered from 1 as `actorrent show` lists them: 1,3-5")
      ->type_name("LIST");
  app.add_option("--skip", dl.skip_files, "fetch every file but these: 2,7-9")->type_name("LIST");
  app.add_flag("--magnet-only", dl.magnet_only, "fetch a magnet link's metadata, save it as DIR/NAME.torrent and exit");
  bool no_dht = false;
  app.add_flag("--no-dht", no_dht, "do not run a DHT node (private torrents never use one)");
  app.add_option("--dht-bootstrap", dl.dht_bootstrap, "a DHT node to join through, HOST:PORT (repeatable; default: the public routers)")
      ->check([](const std::string& hp) -> std::string {
        const auto colon = hp.rfind(':');
        if (colon == std::string::npos || colon == 0) return "expected HOST:PORT";
        const std::string digits = hp.substr(colon + 1);
        if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos ||
            std::stol(digits) < 1 || std::stol(digits) > 65535)
          return "expected HOST:PORT with a port from 1 to 65535";
        return {};
      })
      ->allow_extra_args(false); // one HOST:PORT per --dht-bootstrap; the torrent may follow
  bool no_seed = false;
  app.add_flag("--no-seed", no_seed, "exit as soon as the download is complete");
  app.add_option("--seed-ratio", eo.seed_ratio, "stop seeding once uploaded/size reaches this (0: never)")
      ->check(finite_number)->check(CLI::Range(0.0, 1000.0));
  unsigned seed_minutes = 0;
  app.add_option("--seed-time", seed_minutes, "stop seeding after this many minutes (0: never)");
  app.add_option("--upload-slots", eo.upload_slots, "peers we upload to at once, plus one optimistic")
      ->capture_default_str()->check(CLI::Range(1, 500));
  app.add_flag("--recheck", eo.recheck, "hash all existing data before downloading (every core)");
  app.add_option("--pipeline-min", eo.pipeline_min, "fewest requests kept in flight per peer")->capture_default_str()->check(CLI::Range(1, 10000));
  app.add_option("--pipeline-max", eo.pipeline_max, "most requests kept in flight per peer")->capture_default_str()->check(CLI::Range(1, 10000));
  unsigned request_timeout = 30;
  app.add_option("--request-timeout", request_timeout, "seconds before a stuck block request is re-assigned")->capture_default_str()->check(CLI::Range(1, 3600));
  std::string policy = "rarest";
  app.add_option("--piece-policy", policy, "which piece to start next: rarest, sequential or random")
      ->capture_default_str()->check(CLI::IsMember({"rarest", "sequential", "random"}));
  unsigned max_down_kib = 0;
  app.add_option("--max-download-rate", max_down_kib, "download limit in KiB/s (0: none)")->capture_default_str()->check(CLI::Range(0u, 4u << 20));
  unsigned max_up_kib = 0;
  app.add_option("--max-upload-rate", max_up_kib, "upload limit in KiB/s over all peers (0: none)")->capture_default_str()->check(CLI::Range(0u, 4u << 20));
  unsigned backlog_mib = 16; // 32 cost ~12 MiB of peak RSS with 3 seeders and no speed (bench/RESULTS.md)
  app.add_option("--disk-backlog", backlog_mib, "MiB received but not yet written before requests pause (bounds memory)")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  app.add_option("--ca-file", eo.ca_file, "extra CA certificates for HTTPS trackers")->check(CLI::ExistingFile);
  app.add_flag("--insecure", eo.insecure_tls, "do not verify HTTPS trackers' certificates");
  double udp_timeout_s = 15;
  app.add_option("--udp-tracker-timeout", udp_timeout_s, "seconds to wait for a UDP tracker before resending (doubles each time)")
      ->capture_default_str()->check(finite_number)->check(CLI::Range(0.05, 3840.0));
  app.add_option("--udp-tracker-tries", eo.udp_tracker_attempts, "sends to a silent UDP tracker before the next one is tried")
      ->capture_default_str()->check(CLI::Range(1, 9));
  std::vector<std::string> fault_specs;
  std::uint64_t fault_seed = 1;
  auto* fault_option = app.add_option("--fault", fault_specs,
                 "inject a fault: KIND=RATE, RATE from 0 to 1 per event (repeatable). Kinds: peer-crash, "
                 "peer-drop, peer-stall (per peer message), corrupt-block, disk-error, disk-crash (per block "
                 "write), disk-delay=MS (every write waits MS ms), tracker-fail (per announce), scheduler-crash "
                 "(per block; scheduler and disk crashes stop with state saved). README: Fault injection");
  fault_option->allow_extra_args(false);
  app.add_option("--fault-seed", fault_seed, "seed for reproducible fault injection")->capture_default_str();
  std::string rpc_bind, rpc_auth_file;
  app.add_option("--rpc-bind", rpc_bind,
                 "serve Transmission's RPC on HOST:PORT (an IP address; e.g. 127.0.0.1:9091), so transmission-remote "
                 "and other front-ends can drive this download");
  app.add_option("--rpc-auth-file", rpc_auth_file,
                 "file whose first line is USER:PASSWORD for the RPC (HTTP Basic auth); required unless --rpc-bind "
                 "is a loopback address")
      ->check(CLI::ExistingFile);

  show_options show;
  auto* show_cmd = app.add_subcommand("show", "print what a .torrent file holds");
  show_cmd->add_option("torrent", show.torrent_path, "the .torrent file")->required();
  show_cmd->add_flag("--json", show.json, "print JSON instead of text");
  show_cmd->add_flag("--scrape", show.scrape, "ask each tracker (HTTP or UDP) how many seeders and leechers it knows");
  show_cmd->add_option("--timeout", show.timeout_s, "seconds to wait for each tracker when scraping")
      ->capture_default_str()->check(CLI::Range(0.1, 300.0));

  create_options create;
  auto* create_cmd = app.add_subcommand("create", "make a .torrent from a file or a directory");
  create_cmd->add_option("path", create.creator.path, "the file or directory to share")->required();
  create_cmd->add_option("-t,--tracker", create.creator.trackers, "tracker URL (repeatable: one tier each)");
  create_cmd->add_option("-o,--output", create.output, "where to write the .torrent")->required();
  create_cmd->add_option("--piece-size", create.piece_kib, "piece size in KiB, a power of two (default: from the size)");
  create_cmd->add_flag("--private", create.creator.is_private, "mark the torrent private (BEP 27)");
  create_cmd->add_option("--comment", create.creator.comment, "a comment stored in the torrent");

  daemon_options daemon;
  daemon.state_dir = default_state_dir();
  daemon.download_dir = default_download_dir();
  auto* daemon_cmd = app.add_subcommand(
      "daemon", "run every torrent of a state dir in one engine, driven over Transmission's RPC (default "
                "127.0.0.1:9091), until SIGINT or SIGTERM; the engine-wide options above apply");
  daemon_cmd->fallthrough(); // -p, --rpc-bind, limits, --no-dht ... after `daemon` too
  daemon_cmd->add_option("--state-dir", daemon.state_dir, "where torrents, settings and resume files are kept")->capture_default_str();
  daemon_cmd->add_option("--download-dir", daemon.download_dir, "where new torrents go unless told otherwise")->capture_default_str();
  daemon_cmd
      ->add_option("--rest-after", daemon.rest_after_s,
                   "seconds a complete torrent with no peer runs before it rests without actors (announced by the "
                   "engine, woken by a peer's handshake or a tracker's leechers); 0: never rests")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();

  try {
    app.parse(translate_go_flags(argc, argv));
    if (*daemon_cmd && !dl.torrent_path.empty()) throw CLI::ValidationError("daemon takes no torrent: add torrents over the RPC");
    if (eo.pipeline_min > eo.pipeline_max) throw CLI::ValidationError("--pipeline-min is larger than --pipeline-max");
    if (eo.quiet && eo.verbose) throw CLI::ValidationError("--quiet and --verbose exclude each other");
    try {
      eo.faults = actorrent::fault_plan::parse(fault_specs, fault_seed);
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError("--fault", e.what());
    }
    if (!rpc_auth_file.empty() && rpc_bind.empty()) throw CLI::ValidationError("--rpc-auth-file needs --rpc-bind");
    if (!rpc_bind.empty()) {
      std::string error;
      const auto where = actorrent::rpc::parse_bind_address(rpc_bind, error);
      if (!where) throw CLI::ValidationError("--rpc-bind", error);
      eo.rpc = true;
      eo.rpc_host = where->host;
      eo.rpc_port = where->port;
      if (!rpc_auth_file.empty()) {
        std::string text;
        try {
          text = actorrent::load_file(rpc_auth_file, 4096).value_or("");
        } catch (const std::exception& e) {
          throw CLI::ValidationError("--rpc-auth-file", e.what());
        }
        const auto who = actorrent::rpc::parse_credentials(text, error);
        if (!who) throw CLI::ValidationError("--rpc-auth-file", error);
        eo.rpc_username = who->username;
        eo.rpc_password = who->password;
      } else if (!actorrent::rpc::is_loopback_address(where->host)) {
        throw CLI::ValidationError("--rpc-bind", "an address other machines can reach needs --rpc-auth-file");
      }
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "actorrent: {} (see --help)\n", printable(e.what()));
    return exit_usage;
  }

  if (*show_cmd) return run_show(show);
  if (*create_cmd) return run_create(std::move(create));
  if (*daemon_cmd) {
    eo.listen_port = port == 0 ? free_port() : static_cast<std::uint16_t>(port);
    eo.udp_tracker_timeout_ms = static_cast<std::uint32_t>(udp_timeout_s * 1000);
    eo.request_timeout = std::chrono::seconds(request_timeout);
    eo.max_disk_backlog = static_cast<std::int64_t>(backlog_mib) << 20;
    eo.max_download_rate = static_cast<std::int64_t>(max_down_kib) * 1024;
    eo.max_upload_rate = static_cast<std::int64_t>(max_up_kib) * 1024;
    policy_from_name(policy, eo.policy);
    dl.dht = !no_dht;
    daemon.base = dl; // rpc_host/rpc_port: --rpc-bind, else Transmission's 127.0.0.1:9091
    return run_daemon(daemon);
  }
  if (!torrent_flag.empty()) dl.torrent_path = torrent_flag;
  if (dl.torrent_path.empty()) {
    fmt::print(stderr, "actorrent: no torrent given (see --help)\n");
    return exit_usage;
  }
  if (dl.magnet_only && !actorrent::is_magnet(dl.torrent_path)) {
    fmt::print(stderr, "actorrent: --magnet-only needs a magnet link (see --help)\n");
    return exit_usage;
  }
  eo.listen_port = port == 0 ? free_port() : static_cast<std::uint16_t>(port);
  eo.seed_after_download = !no_seed;
  dl.dht = !no_dht;
  eo.udp_tracker_timeout_ms = static_cast<std::uint32_t>(udp_timeout_s * 1000);
  eo.seed_time = std::chrono::minutes(seed_minutes);
  eo.request_timeout = std::chrono::seconds(request_timeout);
  eo.max_disk_backlog = static_cast<std::int64_t>(backlog_mib) << 20;
  eo.max_download_rate = static_cast<std::int64_t>(max_down_kib) * 1024;
  eo.max_upload_rate = static_cast<std::int64_t>(max_up_kib) * 1024;
  policy_from_name(policy, eo.policy);
  return run_download(dl);
}
