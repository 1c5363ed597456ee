#include "protocol/wire/wire.hpp"

#include <cstring>

namespace actorrent::wire {

std::uint32_t read_u32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return std::uint32_t{u[0]} << 24 | std::uint32_t{u[1]} << 16 | std::uint32_t{u[2]} << 8 | u[3];
}

std::uint16_t read_u16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>(u[0] << 8 | u[1]);
}

void append_u32(std::string& out, std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}

void append_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

std::string encode_handshake(const handshake& h) {
  std::string out;
  out.reserve(handshake_size);
  out.push_back(static_cast<char>(protocol_string.size()));
  out.append(protocol_string);
  out.append(reinterpret_cast<const char*>(h.reserved.data()), h.reserved.size());
  out.append(as_bytes(h.info_hash));
  out.append(as_bytes(h.id));
  return out;
}

std::optional<handshake> parse_handshake(std::string_view b) {
  if (b.size() != handshake_size) return std::nullopt;
  if (static_cast<unsigned char>(b[0]) != protocol_string.size() ||
      b.substr(1, protocol_string.size()) != protocol_string)
    return std::nullopt;
  handshake h;
  std::memcpy(h.reserved.data(), b.data() + 20, 8);
  std::memcpy(h.info_hash.data(), b.data() + 28, 20);
  std::memcpy(h.id.data(), b.data() + 48, 20);
  return h;
}

namespace {

decode_result error(std::string what) { return {std::nullopt, std::move(what)}; }

const char* name_of(std::uint8_t id) {
  static const char* const names[] = {"choke", "unchoke", "interested", "not interested", "have", "bitfield",
                                      "request", "piece", "cancel", "port", "unknown", "unknown", "unknown",
                                      "suggest", "have all", "have none", "reject", "allowed fast"};
  return id < 18 ? names[id] : id == 20 ? "extended" : "unknown";
}

decode_result wrong_size(std::uint8_t id, std::size_t got, std::size_t want) {
  return error(std::string(name_of(id)) + " message of " + std::to_string(got) +
               " bytes (expected " + std::to_string(want) + ")");
}

void append_header(std::string& out, std::uint32_t payload_len, message_id id) {
  append_u32(out, payload_len);
  out.push_back(static_cast<char>(id));
}

void append_triple(std::string& out, message_id id, std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  append_header(out, 13, id);
  append_u32(out, a);
  append_u32(out, b);
  append_u32(out, c);
}

} // namespace

decode_result decode_message(std::string_view p) {
  if (p.empty()) return {keep_alive{}, {}};
  const auto id = static_cast<std::uint8_t>(p[0]);
  const std::string_view body = p.substr(1);
  const char* d = body.data();
  auto fixed = [&](std::size_t n) { return body.size() == n; };
  switch (static_cast<message_id>(id)) {
    case message_id::choke:
      return fixed(0) ? decode_result{choke{}, {}} : wrong_size(id, body.size(), 0);
    case message_id::unchoke:
      return fixed(0) ? decode_result{unchoke{}, {}} : wrong_size(id, body.size(), 0);
    case message_id::interested:
      return fixed(0) ? decode_result{interested{}, {}} : wrong_size(id, body.size(), 0);
    case message_id::not_interested:
      return fixed(0) ? decode_result{not_interested{}, {}} : wrong_size(id, body.size(), 0);
    case message_id::have:
      return fixed(4) ? decode_result{have{read_u32(d)}, {}} : wrong_size(id, body.size(), 4);
    case message_id::bitfield:
      return {bitfield{body}, {}};
    case message_id::request:
      if (!fixed(12)) return wrong_size(id, body.size(), 12);
      return {request{read_u32(d), read_u32(d + 4), read_u32(d + 8)}, {}};
    case message_id::piece:
      if (body.size() < 8) return error("piece message of " + std::to_string(body.size()) + " bytes (needs at least 8)");
      return {piece{read_u32(d), read_u32(d + 4), body.substr(8)}, {}};
    case message_id::cancel:
      if (!fixed(12)) return wrong_size(id, body.size(), 12);
      return {cancel{read_u32(d), read_u32(d + 4), read_u32(d + 8)}, {}};
    case message_id::port:
      return fixed(2) ? decode_result{port{read_u16(d)}, {}} : wrong_size(id, body.size(), 2);
    case message_id::suggest:
      return fixed(4) ? decode_result{suggest{read_u32(d)}, {}} : wrong_size(id, body.size(), 4);
    case message_id::have_all:
      return fixed(0) ? decode_result{have_all{}, {}} : wrong_size(id, body.size(), 0);
    case message_id::have_none:
      return fixed(0) ? decode_result{have_none{}, {}} : wrong_size(id, body.size(), 0);
    case message_id::reject:
      if (!fixed(12)) return wrong_size(id, body.size(), 12);
      return {reject{read_u32(d), read_u32(d + 4), read_u32(d + 8)}, {}};
    case message_id::allowed_fast:
      return fixed(4) ? decode_result{allowed_fast{read_u32(d)}, {}} : wrong_size(id, body.size(), 4);
    case message_id::extended:
      if (body.empty()) return error("extended message without an extension id");
      return {extended{static_cast<std::uint8_t>(body[0]), body.substr(1)}, {}};
  }
  return {unknown{id, body}, {}};
}

void append_keep_alive(std::string& out) { append_u32(out, 0); }
void append_choke(std::string& out) { append_header(out, 1, message_id::choke); }
void append_unchoke(std::string& out) { append_header(out, 1, message_id::unchoke); }
void append_interested(std::string& out) { append_header(out, 1, message_id::interested); }
void append_not_interested(std::string& out) { append_header(out, 1, message_id::not_interested); }

void append_have(std::string& out, std::uint32_t piece_index) {
  append_header(out, 5, message_id::have);
  append_u32(out, piece_index);
}

void append_bitfield(std::string& out, std::string_view bytes) {
  append_header(out, static_cast<std::uint32_t>(1 + bytes.size()), message_id::bitfield);
  out.append(bytes);
}

void append_request(std::string& out, std::uint32_t piece_index, std::uint32_t begin, std::uint32_t length) {
  append_triple(out, message_id::request, piece_index, begin, length);
}

void write_piece_header(char* out, std::uint32_t piece, std::uint32_t begin, std::uint32_t length) {
  const auto put = [&](std::size_t at, std::uint32_t v) {
    out[at] = static_cast<char>(v >> 24);
    out[at + 1] = static_cast<char>(v >> 16);
    out[at + 2] = static_cast<char>(v >> 8);
    out[at + 3] = static_cast<char>(v);
  };
  put(0, 9 + length);
  out[4] = static_cast<char>(message_id::piece);
  put(5, piece);
  put(9, begin);
}

void append_piece(std::string& out, std::uint32_t piece_index, std::uint32_t begin, std::string_view data) {
  char header[piece_header_size];
  write_piece_header(header, piece_index, begin, static_cast<std::uint32_t>(data.size()));
  out.append(header, sizeof header);
  out.append(data);
}

void append_cancel(std::string& out, std::uint32_t piece_index, std::uint32_t begin, std::uint32_t length) {
  append_triple(out, message_id::cancel, piece_index, begin, length);
}

void append_port(std::string& out, std::uint16_t listen_port) {
  append_header(out, 3, message_id::port);
  append_u16(out, listen_port);
}

void append_suggest(std::string& out, std::uint32_t piece_index) {
  append_header(out, 5, message_id::suggest);
  append_u32(out, piece_index);
}
void append_have_all(std::string& out) { append_header(out, 1, message_id::have_all); }
void append_have_none(std::string& out) { append_header(out, 1, message_id::have_none); }
void append_reject(std::string& out, std::uint32_t piece_index, std::uint32_t begin, std::uint32_t length) {
  append_triple(out, message_id::reject, piece_index, begin, length);
}
void append_allowed_fast(std::string& out, std::uint32_t piece_index) {
  append_header(out, 5, message_id::allowed_fast);
  append_u32(out, piece_index);
}
void append_extended(std::string& out, std::uint8_t id, std::string_view payload) {
  append_header(out, static_cast<std::uint32_t>(2 + payload.size()), message_id::extended);
  out.push_back(static_cast<char>(id));
  out.append(payload);
}

void append_message(std::string& out, const message& msg) {
  struct visitor {
    std::string& out;
    void operator()(const keep_alive&) const { append_keep_alive(out); }
    void operator()(const choke&) const { append_choke(out); }
    void operator()(const unchoke&) const { append_unchoke(out); }
    void operator()(const interested&) const { append_interested(out); }
    void operator()(const not_interested&) const { append_not_interested(out); }
    void operator()(const have& m) const { append_have(out, m.piece); }
    void operator()(const bitfield& m) const { append_bitfield(out, m.bytes); }
    void operator()(const request& m) const { append_request(out, m.piece, m.begin, m.length); }
    void operator()(const piece& m) const { append_piece(out, m.index, m.begin, m.data); }
    void operator()(const cancel& m) const { append_cancel(out, m.piece, m.begin, m.length); }
    void operator()(const port& m) const { append_port(out, m.port); }
    void operator()(const suggest& m) const { append_suggest(out, m.piece); }
    void operator()(const have_all&) const { append_have_all(out); }
    void operator()(const have_none&) const { append_have_none(out); }
    void operator()(const reject& m) const { append_reject(out, m.piece, m.begin, m.length); }
    void operator()(const allowed_fast& m) const { append_allowed_fast(out, m.piece); }
    void operator()(const extended& m) const { append_extended(out, m.id, m.payload); }
    void operator()(const unknown& m) const {
      append_u32(out, static_cast<std::uint32_t>(1 + m.payload.size()));
      out.push_back(static_cast<char>(m.id));
      out.append(m.payload);
    }
  };
  std::visit(visitor{out}, msg);
}

} // namespace actorrent::wire
