#include "actors/worker_pool.hpp"

#include <deque>
#include <exception>
#include <vector>

#include <caf/all.hpp>

#include "actors/dialer.hpp"
#include "messages/atoms.hpp"

namespace actorrent {

namespace {

// What a worker hands back to the dispatcher: the job's reply.
struct job_done {
  caf::message reply;
};

} // namespace
} // namespace actorrent

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorrent::job_done)

namespace actorrent {
namespace {

caf::message run_guarded(const blocking_job& job) {
  try {
    return job();
  } catch (const std::exception& e) {
    return caf::make_message(caf::make_error(caf::sec::runtime_error, std::string(e.what())));
  } catch (...) {
    return caf::make_message(caf::make_error(caf::sec::runtime_error, std::string("unknown exception in a pool job")));
  }
}

// A worker owns a thread and runs one job at a time.
caf::behavior worker_behavior(caf::event_based_actor*, std::string) {
  return {[](msg::job_atom, const blocking_job& job) { return job_done{run_guarded(job)}; }};
}

struct pool_state {
  std::vector<caf::actor> idle;
  std::deque<std::pair<caf::response_promise, blocking_job>> waiting;
  static inline const char* name = "worker_pool";
};

void hand_out(caf::stateful_actor<pool_state>* self, caf::actor worker, caf::response_promise rp, blocking_job job);

void next_job(caf::stateful_actor<pool_state>* self, caf::actor worker) {
  auto& st = self->state;
  if (st.waiting.empty()) {
    st.idle.push_back(std::move(worker));
    return;
  }
  auto [rp, job] = std::move(st.waiting.front());
  st.waiting.pop_front();
  hand_out(self, std::move(worker), std::move(rp), std::move(job));
}

void hand_out(caf::stateful_actor<pool_state>* self, caf::actor worker, caf::response_promise rp, blocking_job job) {
  self->request(worker, caf::infinite, msg::job_atom::value, std::move(job))
      .then(
          [=](job_done& done) mutable {
            rp.deliver(std::move(done.reply));
            next_job(self, worker);
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); }); // the worker is gone (shutdown)
}

caf::behavior pool_behavior(caf::stateful_actor<pool_state>* self, std::size_t threads, std::string name) {
  std::vector<caf::actor> all;
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
    all.push_back(self->spawn<caf::detached + caf::linked>(worker_behavior, name));
  self->state.idle = all;
  return {
      [=](msg::job_atom, blocking_job& job) {
        auto rp = self->make_response_promise();
        auto& st = self->state;
        if (st.idle.empty()) {
          st.waiting.emplace_back(std::move(rp), std::move(job));
        } else {
          caf::actor worker = std::move(st.idle.back());
          st.idle.pop_back();
          hand_out(self, std::move(worker), std::move(rp), std::move(job));
        }
        return rp;
      },
  };
}

} // namespace

caf::actor spawn_worker_pool(caf::actor_system& sys, std::size_t threads, std::string name) {
  return sys.spawn(pool_behavior, threads, std::move(name));
}

worker_pools spawn_worker_pools(caf::actor_system& sys, worker_pool_sizes sizes) {
  worker_pools p;
  p.disk = spawn_worker_pool(sys, sizes.disk, "disk");
  p.network = spawn_worker_pool(sys, sizes.network, "network");
  p.dialer = spawn_dialer(sys, p.network);
  return p;
}

void stop_worker_pools(const worker_pools& pools) {
  for (const caf::actor& a : {pools.dialer, pools.network, pools.disk})
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

} // namespace actorrent
