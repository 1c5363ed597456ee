#include "protocol/tracker/udp_tracker_codec.hpp"

#include "protocol/bytes.hpp"
#include "protocol/wire/wire.hpp"

namespace actorrent::udp_tracker {

namespace {

void append_u64(std::string& out, std::uint64_t v) {
  wire::append_u32(out, static_cast<std::uint32_t>(v >> 32));
  wire::append_u32(out, static_cast<std::uint32_t>(v));
}

std::uint64_t read_u64(const char* p) {
  return (std::uint64_t{wire::read_u32(p)} << 32) | wire::read_u32(p + 4);
}

std::uint32_t event_code(announce_event e) {
  switch (e) {
    case announce_event::completed: return 1;
    case announce_event::started: return 2;
    case announce_event::stopped: return 3;
    case announce_event::none: break;
  }
  return 0;
}

const char* action_name(std::uint32_t a) {
  switch (a) {
    case 0: return "connect";
    case 1: return "announce";
    case 2: return "scrape";
    case 3: return "error";
    default: return "unknown";
  }
}

} // namespace

std::optional<tracker_address> parse_url(std::string_view url) {
  constexpr std::string_view scheme = "udp://";
  if (url.substr(0, scheme.size()) != scheme) return std::nullopt;
  url.remove_prefix(scheme.size());
  url = url.substr(0, url.find_first_of("/?#"));
  tracker_address out;
  std::string_view port;
  if (!url.empty() && url.front() == '[') {
    const auto close = url.find(']');
    if (close == std::string_view::npos || url.substr(close + 1, 1) != ":") return std::nullopt;
    out.host = std::string(url.substr(1, close - 1));
    port = url.substr(close + 2);
  } else {
    const auto colon = url.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    out.host = std::string(url.substr(0, colon));
    port = url.substr(colon + 1);
  }
  if (out.host.empty() || out.host.find_first_of(" \t\r\n") != std::string::npos) return std::nullopt;
  if (port.empty() || port.size() > 5) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

std::string connect_request(std::uint32_t transaction) {
  return request(protocol_id, action::connect, transaction, {});
}

std::string request(std::uint64_t connection_id, action a, std::uint32_t transaction, std::string_view body) {
  std::string out;
  out.reserve(16 + body.size());
  append_u64(out, connection_id);
  wire::append_u32(out, static_cast<std::uint32_t>(a));
  wire::append_u32(out, transaction);
  out.append(body);
  return out;
}

std::string announce_body(const announce_request& r) {
  std::string out;
  out.reserve(82);
  out.append(as_bytes(r.info_hash));
  out.append(as_bytes(r.id));
  append_u64(out, static_cast<std::uint64_t>(r.downloaded));
  append_u64(out, static_cast<std::uint64_t>(r.left));
  append_u64(out, static_cast<std::uint64_t>(r.uploaded));
  wire::append_u32(out, event_code(r.event));
  wire::append_u32(out, 0); // IP address: the tracker uses the sender's
  wire::append_u32(out, r.key.value_or(0));
  wire::append_u32(out, static_cast<std::uint32_t>(r.numwant.value_or(-1)));
  wire::append_u16(out, r.port);
  return out;
}

std::string scrape_body(const std::vector<sha1_digest>& hashes) {
  if (hashes.empty() || hashes.size() > max_scrape_hashes)
    throw tracker_error("a UDP scrape asks for 1 to 74 info-hashes");
  std::string out;
  for (const auto& h : hashes) out.append(as_bytes(h));
  return out;
}

bool peek_transaction(std::string_view packet, std::uint32_t& transaction) {
  if (packet.size() < 8) return false;
  transaction = wire::read_u32(packet.data() + 4);
  return true;
}

reply check_reply(std::string_view packet, std::uint32_t transaction, action expected) {
  if (packet.size() < 8)
    throw tracker_error("UDP reply of " + std::to_string(packet.size()) + " bytes is shorter than its header");
  if (packet.size() > max_reply_size)
    throw tracker_error("UDP reply of " + std::to_string(packet.size()) + " bytes is too large");
  const std::uint32_t got_action = wire::read_u32(packet.data());
  const std::uint32_t got_transaction = wire::read_u32(packet.data() + 4);
  if (got_transaction != transaction) throw tracker_error("UDP reply carries another transaction id");
  reply r;
  r.payload = packet.substr(8);
  if (got_action == static_cast<std::uint32_t>(action::error)) {
    r.is_error = true;
    // Printable text only: the message reaches the user's terminal.
    for (char c : r.payload.substr(0, 200)) r.error_message.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    if (r.error_message.empty()) r.error_message = "(no message)";
    return r;
  }
  if (got_action != static_cast<std::uint32_t>(expected))
    throw tracker_error(std::string("UDP reply has action ") + action_name(got_action) + ", expected " +
                        action_name(static_cast<std::uint32_t>(expected)));
  return r;
}

std::uint64_t parse_connect(std::string_view payload) {
  if (payload.size() < 8) throw tracker_error("UDP connect reply is too short");
  return read_u64(payload.data());
}

announce_response parse_announce(std::string_view payload, bool ipv6) {
  if (payload.size() < 12) throw tracker_error("UDP announce reply is too short");
  announce_response r;
  r.interval = wire::read_u32(payload.data());
  r.incomplete = wire::read_u32(payload.data() + 4);
  r.complete = wire::read_u32(payload.data() + 8);
  r.peers = parse_compact_peers(payload.substr(12), ipv6);
  return r;
}

std::vector<scrape_counts> parse_scrape(std::string_view payload, std::size_t hashes) {
  if (payload.size() != hashes * 12)
    throw tracker_error("UDP scrape reply of " + std::to_string(payload.size()) + " bytes for " +
                        std::to_string(hashes) + " info-hashes");
  std::vector<scrape_counts> out(hashes);
  for (std::size_t i = 0; i < hashes; ++i) {
    const char* p = payload.data() + 12 * i;
    out[i] = {wire::read_u32(p), wire::read_u32(p + 4), wire::read_u32(p + 8)};
  }
  return out;
}

} // namespace actorrent::udp_tracker
