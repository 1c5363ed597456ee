#include "actors/resume_keeper.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace actorrent {

namespace {

constexpr auto save_interval = std::chrono::seconds(5);

struct resume_state {
  context_ptr ctx;
  resume_data data;
  std::string path;
  bool dirty = false;
  bool warned = false;
  static inline const char* name = "resume_keeper";
};

using self_ptr = resume_actor::stateful_pointer<resume_state>;

void save(self_ptr self) {
  auto& st = self->state;
  try {
    // File stamps are taken now, after the disk writer's flush: they describe
    // the data the saved piece set vouches for.
    st.data.files = storage(st.ctx->options.download_dir, st.ctx->torrent).stamps();
    save_file_atomically(st.path, encode_resume(st.data));
    st.dirty = false;
  } catch (const storage_error& e) {
    if (!st.warned) spdlog::warn("cannot save resume data: {}", e.what());
    st.warned = true;
  }
}

resume_actor::behavior_type resume_behavior(self_ptr self, context_ptr ctx, resume_data initial) {
  auto& st = self->state;
  st.ctx = ctx;
  st.data = std::move(initial);
  st.path = resume_file(ctx->options, ctx->torrent.info_hash);
  self->delayed_send(self, save_interval, msg::tick_atom::value);
  return {
      [=](msg::durable_atom, const std::vector<std::uint32_t>& pieces) {
        for (auto p : pieces)
          if (p < self->state.data.have.size() && self->state.data.have.set(p)) self->state.dirty = true;
      },
      [=](msg::save_atom, transfer_totals totals) {
        self->state.data.downloaded = totals.downloaded;
        self->state.data.uploaded = totals.uploaded;
        save(self);
        return msg::save_atom::value;
      },
      [=](msg::tick_atom) {
        if (self->state.dirty) save(self);
        self->delayed_send(self, save_interval, msg::tick_atom::value);
      },
  };
}

} // namespace

resume_actor spawn_resume_keeper(caf::actor_system& sys, context_ptr ctx, resume_data initial) {
  return sys.spawn<caf::detached>(resume_behavior, std::move(ctx), std::move(initial));
}

} // namespace actorrent
