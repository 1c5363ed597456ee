#include "actors/dialer.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/worker_pool.hpp"
#include "messages/atoms.hpp"
#include "messages/types.hpp"

namespace actorrent {

namespace {

using dial_clock = std::chrono::steady_clock;

struct socket_address {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET;
};
using socket_addresses = std::vector<socket_address>;

} // namespace
} // namespace actorrent

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorrent::socket_addresses)

namespace actorrent {
namespace {

// Resolves host:port; `numeric_only` never blocks (no DNS). Empty: not resolvable.
socket_addresses resolve(const peer_address& where, bool numeric_only) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (numeric_only ? AI_NUMERICHOST : 0);
  addrinfo* res = nullptr;
  socket_addresses out;
  if (getaddrinfo(where.host.c_str(), std::to_string(where.port).c_str(), &hints, &res) != 0 || res == nullptr) return out;
  for (addrinfo* ai = res; ai != nullptr && out.size() < 8; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    socket_address a;
    std::memcpy(&a.addr, ai->ai_addr, ai->ai_addrlen);
    a.len = static_cast<socklen_t>(ai->ai_addrlen);
    a.family = ai->ai_family;
    out.push_back(a);
  }
  freeaddrinfo(res);
  return out;
}

struct dial_request {
  std::uint64_t id = 0;
  socket_addresses addresses; // tried in order, within one deadline
  dial_clock::time_point deadline;
};

// The poll() loop. Requests come in under a mutex and an eventfd wakes it;
// results go back to the front actor as (dialed_atom, id, fd or -errno).
class dial_loop {
public:
  explicit dial_loop(caf::actor front) : front_(std::move(front)) {
    wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
    thread_ = std::thread([this] { run(); });
  }
  dial_loop(const dial_loop&) = delete;
  dial_loop& operator=(const dial_loop&) = delete;
  ~dial_loop() { stop(); }

  void add(dial_request r) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      incoming_.push_back(std::move(r));
    }
    wake();
  }

  void stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    wake();
    thread_.join();
    ::close(wake_);
    front_ = nullptr;
  }

private:
  struct active {
    dial_request req;
    std::size_t next = 0; // next address to try
    int fd = -1;
    int last_error = ECONNREFUSED;
  };

  void wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_, &one, sizeof one);
  }

  void report(const active& a, int result) { caf::anon_send(front_, msg::dialed_atom::value, a.req.id, result); }

  // Starts the next address of `a`; false once none is left (reported).
  bool start_next(active& a) {
    while (a.next < a.req.addresses.size()) {
      const socket_address& sa = a.req.addresses[a.next++];
      const int fd = ::socket(sa.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        a.last_error = errno;
        continue;
      }
      if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa.addr), sa.len) == 0 || errno == EINPROGRESS) {
        a.fd = fd;
        return true; // writable when done, either way
      }
      a.last_error = errno;
      ::close(fd);
    }
    report(a, -a.last_error);
    return false;
  }

  // The socket of `a` is writable: connected, or failed with SO_ERROR.
  bool finish(active& a) {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(a.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err == 0) {
      const int one = 1;
      ::setsockopt(a.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      report(a, a.fd);
      a.fd = -1;
      return false;
    }
    a.last_error = err;
    ::close(a.fd);
    a.fd = -1;
    return start_next(a);
  }

  void run() {
    std::vector<active> dials;
    std::vector<pollfd> fds;
    while (!stopping_) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& r : incoming_) {
          active a{std::move(r)};
          if (start_next(a)) dials.push_back(std::move(a));
        }
        incoming_.clear();
      }
      const auto now = dial_clock::now();
      int timeout_ms = 60'000;
      for (auto it = dials.begin(); it != dials.end();) {
        if (it->req.deadline <= now) {
          ::close(it->fd);
          report(*it, -ETIMEDOUT);
          it = dials.erase(it);
          continue;
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(it->req.deadline - now).count();
        timeout_ms = static_cast<int>(std::min<long long>(timeout_ms, left));
        ++it;
      }
      fds.assign(1, pollfd{wake_, POLLIN, 0});
      for (const auto& a : dials) fds.push_back(pollfd{a.fd, POLLOUT, 0});
      if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) break;
      if (fds[0].revents != 0) {
        std::uint64_t count = 0;
        [[maybe_unused]] auto n = ::read(wake_, &count, sizeof count);
      }
      std::vector<active> still;
      still.reserve(dials.size());
      for (std::size_t i = 0; i < dials.size(); ++i) {
        active& a = dials[i];
        const bool done = fds[i + 1].revents != 0;
        if (!done || finish(a)) still.push_back(std::move(a));
      }
      dials.swap(still);
    }
    for (auto& a : dials) ::close(a.fd); // shutting down: nobody waits for these
  }

  caf::actor front_;
  int wake_ = -1;
  std::mutex mutex_;
  std::vector<dial_request> incoming_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

struct dialer_state {
  std::shared_ptr<dial_loop> loop;
  std::unordered_map<std::uint64_t, caf::response_promise> waiting;
  std::uint64_t next_id = 1;
  static inline const char* name = "dialer";
};

using self_ptr = caf::stateful_actor<dialer_state>*;

void start_dial(self_ptr self, std::uint64_t id, socket_addresses addresses, dial_clock::time_point deadline) {
  auto& st = self->state;
  if (addresses.empty()) {
    auto it = st.waiting.find(id);
    if (it == st.waiting.end()) return;
    it->second.deliver(caf::make_error(caf::sec::cannot_connect_to_node, std::string("cannot resolve the address")));
    st.waiting.erase(it);
    return;
  }
  st.loop->add(dial_request{id, std::move(addresses), deadline});
}

caf::behavior dialer_behavior(self_ptr self, caf::actor network_pool) {
  self->state.loop = std::make_shared<dial_loop>(caf::actor_cast<caf::actor>(self));
  self->attach_functor([loop = self->state.loop] { loop->stop(); });
  return {
      [=](msg::connect_atom, const peer_address& where, std::int32_t timeout_ms) {
        auto& st = self->state;
        const std::uint64_t id = st.next_id++;
        auto rp = self->make_response_promise();
        st.waiting.emplace(id, rp);
        const auto deadline = dial_clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 1));
        socket_addresses numeric = resolve(where, true);
        if (!numeric.empty()) {
          start_dial(self, id, std::move(numeric), deadline);
        } else {
          blocking_job lookup = [where] { return caf::make_message(resolve(where, false)); };
          self->request(network_pool, std::chrono::milliseconds(std::max(timeout_ms, 1)), msg::job_atom::value, std::move(lookup))
              .then([=](socket_addresses& found) { start_dial(self, id, std::move(found), deadline); },
                    [=](caf::error&) { start_dial(self, id, {}, deadline); });
        }
        return rp;
      },
      [=](msg::dialed_atom, std::uint64_t id, int result) {
        auto& st = self->state;
        auto it = st.waiting.find(id);
        if (it == st.waiting.end()) {
          if (result >= 0) ::close(result);
          return;
        }
        if (result >= 0) it->second.deliver(result);
        else it->second.deliver(caf::make_error(caf::sec::cannot_connect_to_node, std::string(std::strerror(-result))));
        st.waiting.erase(it);
      },
  };
}

} // namespace

caf::actor spawn_dialer(caf::actor_system& sys, caf::actor network_pool) {
  return sys.spawn(dialer_behavior, std::move(network_pool));
}

} // namespace actorrent
