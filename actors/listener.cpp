#include "actors/listener.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/listening_socket.hpp"
#include "actors/peer.hpp"

namespace actorrent {

namespace {

// Keys of incoming peers live in their own range, apart from the session's.
constexpr peer_key first_incoming_key = peer_key{1} << 40;

struct listener_state {
  context_ptr ctx;
  scheduler_actor scheduler;
  disk_actor disk;
  caf::actor_addr session;
  bitfield have;
  upload_gate_actor upload_gate;
  peer_key next_key = first_incoming_key;
  bool accepting = true; // the session says whether a slot could be had
  static inline const char* name = "listener";
};

caf::behavior listener_behavior(caf::io::stateful_broker<listener_state>* self, int fd, context_ptr ctx,
                                scheduler_actor scheduler, disk_actor disk, caf::actor session, bitfield have,
                                upload_gate_actor upload_gate) {
  self->add_doorman(caf::io::network::native_socket{fd});
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.scheduler = std::move(scheduler);
  st.disk = std::move(disk);
  st.session = session.address();
  st.have = std::move(have);
  st.upload_gate = std::move(upload_gate);
  // A broker object may outlive its actor in CAF 0.17: never let it pin the
  // disk writer's thread (the process would not exit).
  self->set_exit_handler([self](caf::exit_msg& m) {
    self->state.scheduler = nullptr;
    self->state.disk = nullptr;
    self->state.upload_gate = nullptr;
    self->quit(m.reason);
  });
  return {
      [=](caf::io::new_connection_msg& m) {
        auto& s = self->state;
        if (!s.accepting) { // no slot could be had: closed at once, no actor
          self->close(m.handle);
          return;
        }
        std::string host = self->remote_addr(m.handle);
        if (host.rfind("::ffff:", 0) == 0 && host.find('.') != std::string::npos) host.erase(0, 7); // IPv4 on a dual-stack socket
        const peer_address from{host, self->remote_port(m.handle)};
        const peer_key key = s.next_key++;
        peer_setup setup{s.ctx, key, from, s.scheduler, s.disk, s.session, s.have, s.upload_gate};
        caf::actor peer = fork_incoming_peer(self, m.handle, std::move(setup));
        spdlog::debug("incoming connection from {}", from.to_string());
        if (auto owner = caf::actor_cast<caf::actor>(s.session))
          caf::anon_send(owner, msg::join_atom::value, key, peer, from);
        else
          caf::anon_send_exit(peer, caf::exit_reason::user_shutdown);
      },
      [=](caf::io::acceptor_closed_msg&) { self->quit(); },
      [=](msg::listen_atom, bool accepting) { self->state.accepting = accepting; },
      [=](msg::have_atom, const std::vector<std::uint32_t>& pieces) {
        for (auto piece : pieces)
          if (piece < self->state.have.size()) self->state.have.set(piece);
      },
  };
}

} // namespace

caf::actor spawn_listener(caf::actor_system& sys, std::uint16_t& port, context_ptr ctx, scheduler_actor scheduler,
                          disk_actor disk, caf::actor session, bitfield have, upload_gate_actor upload_gate) {
  const int fd = open_listening_socket("", port);
  if (fd < 0) return caf::actor{};
  return sys.middleman().spawn_broker(listener_behavior, fd, std::move(ctx), std::move(scheduler), std::move(disk),
                                      std::move(session), std::move(have), std::move(upload_gate));
}

} // namespace actorrent
