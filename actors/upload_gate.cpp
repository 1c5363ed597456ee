#include "actors/upload_gate.hpp"

#include <deque>

#include <caf/all.hpp>

#include "protocol/storage/piece_geometry.hpp"
#include "protocol/swarm/rate_limit.hpp"

namespace actorrent {

namespace {

using namespace std::chrono_literals;
constexpr auto refill_every = 10ms;

struct waiting_grant {
  std::uint32_t bytes;
  caf::typed_response_promise<msg::grant_atom> promise;
};

struct gate_state {
  rate_chain_ptr limits;
  std::deque<waiting_grant> queue;
  bool timer_armed = false;
  static inline const char* name = "upload_gate";
};

using self_ptr = upload_gate_actor::stateful_pointer<gate_state>;

// Answers waiting peers in order while the bucket allows; a big request at the
// head is not overtaken by small ones (no starvation).
void drain(self_ptr self) {
  auto& st = self->state;
  const auto now = rate_chain::clock::now();
  while (!st.queue.empty() && st.limits->take_all(st.queue.front().bytes, now)) {
    st.queue.front().promise.deliver(msg::grant_atom::value);
    st.queue.pop_front();
  }
  if (!st.queue.empty() && !st.timer_armed) {
    st.timer_armed = true;
    self->delayed_send(self, refill_every, msg::tick_atom::value);
  }
}

upload_gate_actor::behavior_type gate_behavior(self_ptr self, rate_chain_ptr limits) {
  self->state.limits = std::move(limits);
  return {
      [=](msg::grant_atom, std::uint32_t bytes) -> caf::result<msg::grant_atom> {
        auto& st = self->state;
        auto promise = self->make_response_promise<msg::grant_atom>();
        st.queue.push_back({bytes, promise});
        drain(self);
        return promise;
      },
      [=](msg::tick_atom) {
        self->state.timer_armed = false;
        drain(self);
      },
  };
}

} // namespace

upload_gate_actor spawn_upload_gate(caf::actor_system& sys, rate_chain_ptr limits) {
  return sys.spawn(gate_behavior, std::move(limits));
}

} // namespace actorrent
