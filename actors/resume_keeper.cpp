#include "actors/resume_keeper.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/worker_pool.hpp"

namespace actorrent {

namespace {

constexpr auto save_interval = std::chrono::seconds(5);

struct resume_state {
  context_ptr ctx;
  resume_data data;
  std::string path;
  bool dirty = false;
  bool warned = false;
  bool timer_armed = false; // only while the file lags behind
  // One save at a time (two on different pool threads could land out of
  // order); asks that come in meanwhile are answered by the next one.
  bool saving = false;
  bool again = false;
  std::vector<caf::typed_response_promise<msg::save_atom>> current, next;
  static inline const char* name = "resume_keeper";
};

using self_ptr = resume_actor::stateful_pointer<resume_state>;

void arm_save(self_ptr self);

// Writes a snapshot of the record; replies with an empty string or why not.
blocking_job save_job(context_ptr ctx, resume_data data, std::string path) {
  return [ctx = std::move(ctx), data = std::move(data), path = std::move(path)]() mutable {
    try {
      // File stamps are taken now, after the disk writer's flush: they describe
      // the data the saved piece set vouches for.
      data.files = storage(ctx->options.download_dir, ctx->torrent).stamps();
      save_file_atomically(path, encode_resume(data));
      return caf::make_message(std::string());
    } catch (const storage_error& e) {
      return caf::make_message(std::string(e.what()));
    }
  };
}

void save(self_ptr self) {
  auto& st = self->state;
  if (st.saving) {
    st.again = true;
    return;
  }
  st.saving = true;
  st.dirty = false;
  st.current.insert(st.current.end(), st.next.begin(), st.next.end());
  st.next.clear();
  auto done = [=](const std::string& error) {
    auto& s = self->state;
    if (!error.empty()) {
      if (!s.warned) spdlog::warn("cannot save resume data: {}", error);
      s.warned = true;
      s.dirty = true; // try again at the next tick
      arm_save(self);
    }
    for (auto& rp : s.current) rp.deliver(msg::save_atom::value);
    s.current.clear();
    s.saving = false;
    if (s.again) {
      s.again = false;
      save(self);
    }
  };
  self->request(st.ctx->pools->disk, caf::infinite, msg::job_atom::value, save_job(st.ctx, st.data, st.path))
      .then(done, [=](caf::error& e) { done(caf::to_string(e)); });
}

// The save timer runs while the file lags behind: an idle torrent costs no timer.
void arm_save(self_ptr self) {
  if (self->state.timer_armed) return;
  self->state.timer_armed = true;
  self->delayed_send(self, save_interval, msg::tick_atom::value);
}

resume_actor::behavior_type resume_behavior(self_ptr self, context_ptr ctx, resume_data initial) {
  auto& st = self->state;
  st.ctx = ctx;
  st.data = std::move(initial);
  st.path = resume_file(ctx->options, ctx->torrent.info_hash);
  return {
      [=](msg::durable_atom, const std::vector<std::uint32_t>& pieces) {
        for (auto p : pieces)
          if (p < self->state.data.have.size() && self->state.data.have.set(p)) self->state.dirty = true;
        if (self->state.dirty) arm_save(self);
      },
      [=](msg::save_atom, transfer_totals totals) {
        auto& s = self->state;
        s.data.downloaded = totals.downloaded;
        s.data.uploaded = totals.uploaded;
        auto rp = self->make_response_promise<msg::save_atom>();
        (s.saving ? s.next : s.current).push_back(rp);
        save(self);
        return rp;
      },
      [=](msg::tick_atom) {
        self->state.timer_armed = false;
        if (self->state.dirty) save(self);
      },
  };
}

} // namespace

resume_actor spawn_resume_keeper(caf::actor_system& sys, context_ptr ctx, resume_data initial) {
  return sys.spawn(resume_behavior, std::move(ctx), std::move(initial));
}

} // namespace actorrent
