#include "protocol/tracker/tracker_codec.hpp"

#include <algorithm>

#include <arpa/inet.h>

#include "protocol/metainfo/bencode.hpp"
#include "protocol/wire/wire.hpp"

namespace actorrent {

namespace bc = bencode;

std::string url_encode(std::string_view bytes) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

namespace {
const char* event_name(announce_event e) {
  switch (e) {
    case announce_event::started: return "started";
    case announce_event::completed: return "completed";
    case announce_event::stopped: return "stopped";
    case announce_event::none: break;
  }
  return nullptr;
}
} // namespace

std::string build_announce_url(const announce_request& r) {
  std::string url = r.announce_url;
  const auto fragment = url.find('#');
  if (fragment != std::string::npos) url.erase(fragment);
  url.push_back(url.find('?') == std::string::npos ? '?' : '&');
  url += "info_hash=" + url_encode(as_bytes(r.info_hash));
  url += "&peer_id=" + url_encode(as_bytes(r.id));
  url += "&port=" + std::to_string(r.port);
  url += "&uploaded=" + std::to_string(r.uploaded);
  url += "&downloaded=" + std::to_string(r.downloaded);
  url += "&left=" + std::to_string(r.left);
  url += "&compact=1";
  if (const char* e = event_name(r.event)) url += std::string("&event=") + e;
  if (r.numwant) url += "&numwant=" + std::to_string(*r.numwant);
  if (r.key) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08X", *r.key);
    url += std::string("&key=") + buf;
  }
  if (!r.tracker_id.empty()) url += "&trackerid=" + url_encode(r.tracker_id);
  return url;
}

std::vector<peer_endpoint> parse_compact_peers(std::string_view bytes, bool ipv6) {
  const std::size_t entry = ipv6 ? 18 : 6;
  if (bytes.size() % entry != 0)
    throw tracker_error(std::string(ipv6 ? "peers6" : "peers") + " field of " +
                        std::to_string(bytes.size()) + " bytes is not a multiple of " +
                        std::to_string(entry));
  std::vector<peer_endpoint> out;
  out.reserve(bytes.size() / entry);
  char text[INET6_ADDRSTRLEN];
  for (std::size_t at = 0; at < bytes.size(); at += entry) {
    const char* p = bytes.data() + at;
    const std::uint16_t port = wire::read_u16(p + entry - 2);
    if (port == 0) continue;
    if (inet_ntop(ipv6 ? AF_INET6 : AF_INET, p, text, sizeof text) == nullptr) continue;
    out.push_back({text, port, std::nullopt});
  }
  return out;
}

std::string ip_bytes(std::string_view ip) {
  const std::string text(ip);
  unsigned char addr[16];
  if (inet_pton(AF_INET, text.c_str(), addr) == 1) return std::string(reinterpret_cast<char*>(addr), 4);
  if (inet_pton(AF_INET6, text.c_str(), addr) == 1) return std::string(reinterpret_cast<char*>(addr), 16);
  return {};
}

std::string compact_peer(std::string_view ip, std::uint16_t port) {
  std::string out = ip_bytes(ip);
  if (!out.empty()) wire::append_u16(out, port);
  return out;
}

bool is_http_url(std::string_view url) {
  return url.substr(0, 7) == "http://" || url.substr(0, 8) == "https://";
}

namespace {

// Trackers do not all sort their keys; nothing in a reply nests deeply.
bc::decode_options reply_options() {
  bc::decode_options opt;
  opt.mode = bc::mode::lenient;
  opt.max_depth = 8;
  return opt;
}

std::optional<std::int64_t> optional_int(const bc::value& d, std::string_view key) {
  const bc::value* v = d.find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_integer()) throw tracker_error("'" + std::string(key) + "' is not an integer");
  return v->as_integer();
}

std::optional<std::string> optional_str(const bc::value& d, std::string_view key) {
  const bc::value* v = d.find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) throw tracker_error("'" + std::string(key) + "' is not a string");
  return v->as_string();
}

std::vector<peer_endpoint> parse_peer_dicts(const bc::value::list& list) {
  std::vector<peer_endpoint> out;
  for (const auto& item : list) {
    if (!item.is_dict()) throw tracker_error("peer entry is not a dictionary");
    const bc::value* ip = item.find("ip");
    const bc::value* port = item.find("port");
    if (ip == nullptr || !ip->is_string() || ip->as_string().empty())
      throw tracker_error("peer entry without a valid 'ip'");
    if (port == nullptr || !port->is_integer())
      throw tracker_error("peer entry without a valid 'port'");
    const auto p = port->as_integer();
    if (p < 0 || p > 65535) throw tracker_error("peer port " + std::to_string(p) + " out of range");
    if (ip->as_string().size() > 253 || ip->as_string().find('\0') != std::string::npos)
      throw tracker_error("peer entry with a malformed 'ip'");
    if (p == 0) continue;
    peer_endpoint e{ip->as_string(), static_cast<std::uint16_t>(p), std::nullopt};
    if (const bc::value* id = item.find("peer id"); id != nullptr && id->is_string() &&
                                                    id->as_string().size() == 20) {
      peer_id pid{};
      std::copy(id->as_string().begin(), id->as_string().end(), pid.begin());
      e.id = pid;
    }
    out.push_back(std::move(e));
  }
  return out;
}

} // namespace

std::int64_t next_announce_seconds(const announce_response& r) {
  constexpr std::int64_t shortest = 30, longest = 4 * 3600, usual = 1800;
  std::int64_t interval = r.interval.value_or(usual);
  if (r.min_interval) interval = std::max(interval, *r.min_interval);
  return std::clamp(interval, shortest, longest);
}

announce_response parse_announce_response(std::string_view body) {
  bc::value root;
  if (auto why = bc::decode_dict(body, reply_options(), root); !why.empty()) throw tracker_error("reply " + why);

  announce_response r;
  r.failure_reason = optional_str(root, "failure reason");
  if (r.failure_reason) return r;
  r.warning_message = optional_str(root, "warning message");
  r.interval = optional_int(root, "interval");
  r.min_interval = optional_int(root, "min interval");
  if (r.interval && *r.interval < 0) throw tracker_error("negative 'interval'");
  if (r.min_interval && *r.min_interval < 0) throw tracker_error("negative 'min interval'");
  r.tracker_id = optional_str(root, "tracker id");
  r.complete = optional_int(root, "complete");
  r.incomplete = optional_int(root, "incomplete");

  if (const bc::value* peers = root.find("peers")) {
    if (peers->is_string())
      r.peers = parse_compact_peers(peers->as_string(), false);
    else if (peers->is_list())
      r.peers = parse_peer_dicts(peers->as_list());
    else
      throw tracker_error("'peers' is neither a string nor a list");
  }
  if (const bc::value* peers6 = root.find("peers6")) {
    if (!peers6->is_string()) throw tracker_error("'peers6' is not a string");
    auto v6 = parse_compact_peers(peers6->as_string(), true);
    r.peers.insert(r.peers.end(), v6.begin(), v6.end());
  }
  return r;
}

std::optional<std::string> scrape_url(std::string_view announce_url) {
  const auto slash = announce_url.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  if (announce_url.substr(slash + 1, 8) != "announce") return std::nullopt;
  std::string out(announce_url.substr(0, slash + 1));
  out += "scrape";
  out += announce_url.substr(slash + 1 + 8);
  return out;
}

std::optional<std::string> build_scrape_url(std::string_view announce_url, const sha1_digest& info_hash) {
  std::string url(announce_url.substr(0, announce_url.find('#')));
  const auto query = url.find('?');
  auto base = scrape_url(std::string_view(url).substr(0, query));
  if (!base) return std::nullopt;
  std::string out = *base + (query == std::string::npos ? "?" : url.substr(query) + "&");
  return out + "info_hash=" + url_encode(as_bytes(info_hash));
}

scrape_counts parse_scrape_response(std::string_view body, const sha1_digest& info_hash) {
  bc::value root;
  if (auto why = bc::decode_dict(body, reply_options(), root); !why.empty()) throw tracker_error("scrape reply " + why);
  if (auto failure = optional_str(root, "failure reason")) throw tracker_error("tracker says: " + *failure);
  const bc::value* files = root.find("files");
  if (files == nullptr || !files->is_dict()) throw tracker_error("scrape reply without a 'files' dictionary");
  const bc::value* entry = files->find(as_bytes(info_hash));
  if (entry == nullptr) throw tracker_error("the tracker does not know this torrent");
  if (!entry->is_dict()) throw tracker_error("scrape entry is not a dictionary");
  scrape_counts c;
  c.seeders = optional_int(*entry, "complete").value_or(0);
  c.completed = optional_int(*entry, "downloaded").value_or(0);
  c.leechers = optional_int(*entry, "incomplete").value_or(0);
  if (c.seeders < 0 || c.completed < 0 || c.leechers < 0) throw tracker_error("negative count in scrape reply");
  return c;
}

} // namespace actorrent
