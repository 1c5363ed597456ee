#include "actors/progress_reporter.hpp"

#include <unistd.h>

#include <cstdio>

#include <caf/all.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "protocol/units.hpp"

namespace actorrent {

namespace {

using clock = std::chrono::steady_clock;

std::string eta_text(double seconds) {
  if (seconds < 0 || seconds > 99 * 3600) return "--";
  const auto s = static_cast<long>(seconds);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

struct progress_state {
  context_ptr ctx;
  scheduler_actor scheduler;
  caf::actor session;
  bool terminal = false;
  clock::time_point started = clock::now();
  clock::time_point last_plain_line{};
  std::int64_t last_received = 0;
  clock::time_point last_sample = clock::now();
  double rate = 0;
  bool idle_seed = false; // complete, no peer at the last sample
  clock::time_point check_started{};
  clock::time_point last_check_line{};
  download_stats last_download;        // kept for the final line if the scheduler is gone
  nlohmann::json latest = nlohmann::json::object(); // the last status object drawn (for the RPC)
  static inline const char* name = "progress";
};

using self_ptr = progress_actor::stateful_pointer<progress_state>;

double eta_seconds(const download_stats& d, double rate) {
  if (d.bytes_have >= d.bytes_total) return 0;
  return rate > 1 ? static_cast<double>(d.bytes_total - d.bytes_have) / rate : -1;
}

std::string status_line(const download_stats& d, const swarm_stats& s, double rate) {
  const double pct = d.bytes_total ? 100.0 * static_cast<double>(d.bytes_have) / static_cast<double>(d.bytes_total) : 100;
  std::string line = fmt::format("[{:5.1f}%] {} / {}  down {}/s  peers {}/{}  ETA {}", pct,
                                 human_size(d.bytes_have), human_size(d.bytes_total),
                                 human_size(static_cast<std::int64_t>(rate)), s.peers_connected, s.peers_known, eta_text(eta_seconds(d, rate)));
  // Near the end, say what is still missing: nobody likes a silent "99%".
  const std::uint32_t left = d.pieces_total - d.pieces_have;
  if (left > 0 && (d.endgame || left <= 8))
    line += fmt::format("  ({} pieces left, {} blocks requested{})", left, d.requests_outstanding,
                        d.endgame ? ", endgame" : "");
  if (d.pieces_failed) line += fmt::format("  {} failed hash", d.pieces_failed);
  // Seeding (or uploading at all): what we give back matters as much.
  if (s.up_rate > 0 || s.bytes_uploaded > 0 || d.bytes_have >= d.bytes_total)
    line += fmt::format("  up {}/s  ratio {:.2f}", human_size(static_cast<std::int64_t>(s.up_rate)), s.ratio);
  if (s.dht_nodes >= 0) line += fmt::format("  dht {}", s.dht_nodes);
  return line;
}

nlohmann::json faults_json(const fault_plan& plan, const swarm_stats& s);
nlohmann::json actors_json(const swarm_stats& s);

nlohmann::json json_line(const progress_state& st, const download_stats& d, const swarm_stats& s) {
  const double elapsed = std::chrono::duration<double>(clock::now() - st.started).count();
  return {{"elapsed_s", elapsed},
          {"progress", d.bytes_total ? static_cast<double>(d.bytes_have) / static_cast<double>(d.bytes_total) : 1.0},
          {"bytes_have", d.bytes_have},
          {"bytes_total", d.bytes_total},
          {"bytes_received", d.bytes_received},
          {"bytes_wasted", d.bytes_wasted},
          {"pieces_have", d.pieces_have},
          {"pieces_total", d.pieces_total},
          {"pieces_failed", d.pieces_failed},
          {"pieces_in_progress", d.pieces_in_progress},
          {"requests_outstanding", d.requests_outstanding},
          {"endgame", d.endgame},
          {"down_rate", st.rate},
          {"eta_s", eta_seconds(d, st.rate)},
          {"peers_connected", s.peers_connected},
          {"peers_known", s.peers_known},
          {"peers_banned", s.peers_banned},
          {"peers_idle", s.peers_idle},
          {"up_rate", s.up_rate},
          {"peers_sending", s.peers_sending},
          {"peers_getting", s.peers_getting},
          {"ratio", s.ratio},
          {"peer_restarts", s.peer_restarts},
          {"bytes_uploaded", s.bytes_uploaded},
          {"bytes_uploaded_now", s.bytes_uploaded_now},
          {"requests_refused", s.requests_refused},
          {"duplicate_connections", s.duplicate_connections},
          {"seeders", s.seeders},
          {"leechers", s.leechers},
          {"dht_nodes", s.dht_nodes},
          {"dht_lookups", s.dht_lookups},
          {"dht_announces", s.dht_announces},
          {"blocks_rerequested", d.blocks_rerequested},
          {"faults", faults_json(st.ctx->options.faults, s)},
          {"actors", actors_json(s)}};
}

nlohmann::json actors_json(const swarm_stats& s) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& a : s.actors) out[a.name] = {{"messages", a.messages}, {"mailbox_high_water", a.mailbox_high_water}};
  return out;
}

// Faults planned by --fault, with how many were injected so far.
nlohmann::json faults_json(const fault_plan& plan, const swarm_stats& s) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t k = 0; k < fault_kind_count; ++k)
    if (plan.rate(static_cast<fault_kind>(k)) > 0)
      out[std::string(fault_name(static_cast<fault_kind>(k)))] = k < s.faults_injected.size() ? s.faults_injected[k] : 0;
  return out;
}

// At exit, what was injected and what recovered (only when faults were planned).
void fault_report(const fault_plan& plan, const download_stats& d, const swarm_stats& s) {
  if (!plan.any()) return;
  std::string injected;
  const nlohmann::json counts = faults_json(plan, s);
  for (const auto& [name, count] : counts.items())
    injected += fmt::format("{}{} {}", injected.empty() ? "" : ", ", name, count.get<std::uint64_t>());
  spdlog::info("fault report: injected {}; recovered: {} peer restarts, {} peers banned, {} pieces failed their hash "
               "and were fetched again, {} blocks re-requested, {} wasted",
               injected, s.peer_restarts, s.peers_banned, d.pieces_failed, d.blocks_rerequested, human_size(d.bytes_wasted));
}

// Output for one line: JSON, a redrawn terminal line, or a plain line at most
// every 5 s; `done` ends a redrawn line.
void emit(self_ptr self, const std::string& text, const nlohmann::json& j, bool done) {
  auto& st = self->state;
  const auto& o = st.ctx->options;
  if (o.silent) return;
  if (o.json) {
    std::fputs((j.dump() + "\n").c_str(), stdout);
  } else if (o.quiet) {
    return;
  } else if (st.terminal) {
    std::fprintf(stdout, "\r\033[K%s%s", text.c_str(), done ? "\n" : "");
  } else if (done || clock::now() - st.last_plain_line >= std::chrono::seconds(5)) {
    std::fprintf(stdout, "%s\n", text.c_str());
    st.last_plain_line = clock::now();
  }
  std::fflush(stdout);
}

void draw_check(self_ptr self, std::uint32_t done, std::uint32_t total) {
  auto& st = self->state;
  const auto now = clock::now();
  if (st.check_started == clock::time_point{}) st.check_started = now;
  const bool finished = done >= total;
  if (!finished && now - st.last_check_line < std::chrono::seconds(1)) {
    st.latest = {{"checking", true}, {"checked", done}, {"to_check", total}};
    return;
  }
  st.last_check_line = now;
  const double elapsed = std::chrono::duration<double>(now - st.check_started).count();
  const double eta = done > 0 ? elapsed * (total - done) / done : -1;
  const double pct = total ? 100.0 * done / total : 100.0;
  const std::string text = fmt::format("[checking {:5.1f}%] {} of {} pieces  ETA {}", pct, done, total,
                                       finished ? "0s" : eta_text(eta));
  const nlohmann::json j = {{"checking", true}, {"checked", done}, {"to_check", total}, {"elapsed_s", elapsed}, {"eta_s", eta}};
  st.latest = j;
  emit(self, text, j, finished);
}

void draw(self_ptr self, const download_stats& d, const swarm_stats& s, bool final_line) {
  auto& st = self->state;
  const auto now = clock::now();
  const double dt = std::chrono::duration<double>(now - st.last_sample).count();
  if (dt > 0.2) {
    const double sample = static_cast<double>(d.bytes_received - st.last_received) / dt;
    st.rate = st.rate == 0 ? sample : 0.6 * st.rate + 0.4 * sample;
    st.last_received = d.bytes_received;
    st.last_sample = now;
  }
  st.idle_seed = s.peers_connected == 0 && d.bytes_have >= d.bytes_total;
  nlohmann::json j = json_line(st, d, s);
  st.latest = j;
  if (final_line) j["final"] = true;
  emit(self, status_line(d, s, st.rate), j, final_line);
  if (final_line) fault_report(st.ctx->options.faults, d, s);
}

// Both stats, then draw; the promise (if any) is delivered after drawing.
// Without an answer from the scheduler (it may have failed), the last figures
// it gave are drawn, so the final line and fault report still appear.
void sample(self_ptr self, bool final_line, caf::typed_response_promise<msg::complete_atom> rp) {
  auto finish = [=](const download_stats& d) mutable {
    self->request(self->state.session, std::chrono::seconds(2), msg::stats_atom::value)
        .then([=](swarm_stats s) mutable {
                draw(self, d, s, final_line);
                if (rp.pending()) rp.deliver(msg::complete_atom::value);
              },
              [=](caf::error&) mutable {
                if (rp.pending()) rp.deliver(msg::complete_atom::value);
              });
  };
  if (!self->state.scheduler) {
    if (rp.pending()) rp.deliver(msg::complete_atom::value);
    return;
  }
  self->request(self->state.scheduler, std::chrono::seconds(2), msg::stats_atom::value)
      .then(
          [=](download_stats d) mutable {
            self->state.last_download = d;
            finish(d);
          },
          [=](caf::error&) mutable { finish(self->state.last_download); });
}

progress_actor::behavior_type progress_behavior(self_ptr self, context_ptr ctx, caf::actor session) {
  auto& st = self->state;
  st.ctx = ctx;
  st.session = std::move(session);
  st.terminal = ::isatty(STDOUT_FILENO) == 1;
  st.last_download.bytes_total = ctx->torrent.total_size;
  st.last_download.pieces_total = ctx->torrent.piece_count();
  self->delayed_send(self, std::chrono::seconds(1), msg::tick_atom::value);
  return {
      [=](msg::tick_atom) {
        sample(self, false, {});
        // Under the daemon nobody watches a line: an idle seed's figures
        // (nothing can change until a peer comes) are taken every 5 s.
        const bool slow = self->state.ctx->options.silent && self->state.idle_seed;
        self->delayed_send(self, std::chrono::seconds(slow ? 5 : 1), msg::tick_atom::value);
      },
      [=](msg::check_atom, std::uint32_t done, std::uint32_t total) { draw_check(self, done, total); },
      [=](msg::join_atom, scheduler_actor scheduler) {
        self->state.scheduler = std::move(scheduler);
        self->state.started = clock::now();
      },
      [=](msg::complete_atom) {
        auto rp = self->make_response_promise<msg::complete_atom>();
        sample(self, true, rp);
        return rp;
      },
      [=](msg::stats_atom) { return self->state.latest.dump(); },
  };
}

} // namespace

progress_actor spawn_progress_reporter(caf::actor_system& sys, context_ptr ctx, caf::actor session) {
  // Silent (under the daemon): it only keeps the latest figures, so it needs no thread of its own.
  if (ctx->options.silent) return sys.spawn(progress_behavior, std::move(ctx), std::move(session));
  // Detached: it writes to a terminal or a pipe, which may block (a paused
  // pager, a full pipe); that must not stall a scheduler thread that peers share.
  return sys.spawn<caf::detached>(progress_behavior, std::move(ctx), std::move(session));
}

} // namespace actorrent
