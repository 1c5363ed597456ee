#include "actors/metadata_peer.hpp"

#include <chrono>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/peer.hpp"
#include "messages/atoms.hpp"
#include "protocol/wire/extension_handshake.hpp"
#include "protocol/wire/frame_parser.hpp"
#include "protocol/wire/ut_metadata.hpp"
#include "protocol/wire/ut_pex.hpp"
#include "protocol/wire/wire.hpp"

namespace actorrent {

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto handshake_limit = 20s;
constexpr auto silence_limit = 60s;
// Bitfields of huge torrents arrive too; we do not know the piece count yet.
constexpr std::uint32_t max_frame = (1u << 20) + 64;

struct metadata_peer_state {
  metadata_peer_setup setup;
  caf::io::connection_handle hdl;
  wire::frame_parser parser{wire::frame_parser::start::with_handshake, max_frame};
  bool handshake_done = false;
  bool closing = false;
  std::uint8_t remote_metadata_id = 0;
  std::uint8_t remote_pex_id = 0;
  bool joined = false;
  clock::time_point started, last_received;
  static inline const char* name = "metadata-peer";
};

using broker_ptr = caf::io::stateful_broker<metadata_peer_state>*;

void close_with(broker_ptr self, peer_exit why, const std::string& detail) {
  auto& st = self->state;
  if (st.closing) return;
  st.closing = true;
  spdlog::debug("metadata peer {}: {}", st.setup.address.to_string(), detail);
  self->close(st.hdl);
  self->quit(make_peer_error(why, detail));
}

void send(broker_ptr self, const std::string& bytes) {
  auto& buf = self->wr_buf(self->state.hdl);
  buf.insert(buf.end(), bytes.begin(), bytes.end());
  self->flush(self->state.hdl);
}

template <class... Ts>
void tell_fetcher(broker_ptr self, Ts&&... xs) {
  if (auto f = caf::actor_cast<caf::actor>(self->state.setup.fetcher)) caf::anon_send(f, std::forward<Ts>(xs)...);
}

void on_extended(broker_ptr self, const wire::extended& m) {
  auto& st = self->state;
  if (m.id == ext::handshake_id) {
    const ext::handshake h = ext::parse(m.payload);
    st.remote_metadata_id = h.id_of(ext::ut_metadata);
    st.remote_pex_id = h.id_of(ext::ut_pex);
    if (st.remote_metadata_id == 0 || !h.metadata_size)
      return close_with(self, peer_exit::closed, "it cannot serve metadata");
    if (!st.joined) {
      st.joined = true;
      tell_fetcher(self, msg::join_atom::value, st.setup.key, *h.metadata_size);
    }
    return;
  }
  if (m.id == ext::ut_metadata_id) {
    const auto msg = ut_metadata::parse(m.payload);
    if (msg.type == ut_metadata::msg_type::data)
      tell_fetcher(self, msg::block_atom::value, st.setup.key, msg.piece, msg.total_size, std::string(msg.data));
    else if (msg.type == ut_metadata::msg_type::reject)
      tell_fetcher(self, msg::release_atom::value, st.setup.key, msg.piece);
    else if (st.remote_metadata_id != 0) { // we have nothing to serve yet
      std::string out;
      wire::append_extended(out, st.remote_metadata_id, ut_metadata::encode_reject(msg.piece));
      send(self, out);
    }
    return;
  }
  if (m.id == ext::ut_pex_id) {
    const auto pex = ut_pex::parse(m.payload);
    std::vector<peer_address> found;
    for (const auto& p : pex.added) found.push_back({p.ip, p.port});
    if (!found.empty()) tell_fetcher(self, msg::pex_atom::value, st.setup.key, std::move(found));
  }
}

void on_item(broker_ptr self, const wire::frame_parser::item& item) {
  auto& st = self->state;
  if (item.is_handshake) {
    const auto hs = wire::parse_handshake(item.bytes);
    if (!hs) return close_with(self, peer_exit::protocol_error, "malformed handshake");
    if (hs->info_hash != st.setup.info_hash) return close_with(self, peer_exit::wrong_torrent, "handshake for another torrent");
    if (hs->id == st.setup.self_id) return close_with(self, peer_exit::self_connection, "connected to ourselves");
    if (!hs->supports_extensions()) return close_with(self, peer_exit::closed, "no extension protocol: no metadata exchange");
    st.handshake_done = true;
    ext::handshake ours;
    ours.m[std::string(ext::ut_metadata)] = ext::ut_metadata_id;
    ours.m[std::string(ext::ut_pex)] = ext::ut_pex_id;
    ours.client = "actorrent " ACTORRENT_VERSION;
    if (st.setup.listen_port != 0) ours.listen_port = st.setup.listen_port;
    std::string out;
    wire::append_extended(out, ext::handshake_id, ext::encode(ours));
    return send(self, out);
  }
  const auto r = wire::decode_message(item.bytes);
  if (!r.msg) return close_with(self, peer_exit::protocol_error, r.error);
  // Only the extension protocol matters before we have the metadata.
  if (const auto* m = std::get_if<wire::extended>(&*r.msg)) on_extended(self, *m);
}

caf::behavior metadata_peer_behavior(broker_ptr self, metadata_peer_setup setup, int fd) {
  auto& st = self->state;
  st.setup = std::move(setup);
  st.hdl = self->add_scribe(caf::io::network::native_socket{fd});
  st.started = st.last_received = clock::now();
  self->configure_read(st.hdl, caf::io::receive_policy::at_most(64 * 1024));
  wire::handshake hs;
  hs.info_hash = st.setup.info_hash;
  hs.id = st.setup.self_id;
  hs.set_extensions();
  send(self, wire::encode_handshake(hs));
  self->delayed_send(self, 1s, msg::tick_atom::value);
  return {
      [=](caf::io::new_data_msg& m) {
        auto& s = self->state;
        s.last_received = clock::now();
        try {
          s.parser.consume(std::string_view(m.buf.data(), m.buf.size()), [&](const wire::frame_parser::item& item) {
            on_item(self, item);
            return !s.closing;
          });
        } catch (const ext::extension_error& e) {
          return close_with(self, peer_exit::protocol_error, e.what());
        }
        if (!s.closing && s.parser.failed()) close_with(self, peer_exit::protocol_error, s.parser.error());
      },
      [=](caf::io::connection_closed_msg&) { close_with(self, peer_exit::closed, "connection closed"); },
      [=](msg::want_atom, std::uint32_t piece) {
        auto& s = self->state;
        if (s.closing || s.remote_metadata_id == 0) return;
        std::string out;
        wire::append_extended(out, s.remote_metadata_id, ut_metadata::encode_request(piece));
        send(self, out);
      },
      [=](msg::tick_atom) {
        auto& s = self->state;
        const auto now = clock::now();
        if (!s.handshake_done && now - s.started > handshake_limit)
          return close_with(self, peer_exit::timeout, "no handshake within 20 s");
        if (now - s.last_received > silence_limit) return close_with(self, peer_exit::timeout, "silent for a minute");
        self->delayed_send(self, 1s, msg::tick_atom::value);
      },
  };
}

} // namespace

caf::actor spawn_metadata_peer(caf::actor_system& sys, metadata_peer_setup setup, int fd) {
  return sys.middleman().spawn_broker(metadata_peer_behavior, std::move(setup), fd);
}

} // namespace actorrent
