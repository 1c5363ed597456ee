#include "protocol/metainfo/magnet.hpp"

#include <algorithm>
#include <cctype>

#include "protocol/metainfo/bencode.hpp"
#include "protocol/bytes.hpp"

namespace actorrent {

namespace {

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) throw magnet_error("magnet link: truncated %-escape");
      const int hi = hex_digit_value(s[i + 1]), lo = hex_digit_value(s[i + 2]);
      if (hi < 0 || lo < 0) throw magnet_error("magnet link: bad %-escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

sha1_digest base32_hash(std::string_view s) {
  sha1_digest out{};
  std::uint64_t buffer = 0;
  int bits = 0;
  std::size_t at = 0;
  for (char ch : s) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= '2' && c <= '7') v = c - '2' + 26;
    else throw magnet_error("magnet link: info-hash is not base32");
    buffer = (buffer << 5) | static_cast<std::uint64_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = static_cast<std::uint8_t>(buffer >> bits);
    }
  }
  return out;
}

peer_endpoint parse_peer(const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw magnet_error("magnet link: x.pe '" + text.substr(0, 60) + "' is not [IPv6]:PORT");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw magnet_error("magnet link: x.pe '" + text.substr(0, 60) + "' has no port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const bool numeric = !port.empty() && port.size() <= 5 &&
                       std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  const long value = numeric ? std::stol(port) : 0;
  if (host.empty() || host.size() > 253 || value < 1 || value > 65535)
    throw magnet_error("magnet link: x.pe '" + text.substr(0, 60) + "' is not HOST:PORT");
  return {host, static_cast<std::uint16_t>(value), std::nullopt};
}

} // namespace

bool is_magnet(std::string_view text) {
  constexpr std::string_view prefix = "magnet:?";
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

magnet_link parse_magnet(std::string_view uri) {
  if (!is_magnet(uri)) throw magnet_error("not a magnet link (it must start with magnet:?)");
  if (uri.size() > 64 * 1024) throw magnet_error("magnet link longer than 64 KiB");
  magnet_link m;
  bool have_hash = false;
  bool saw_v2 = false;
  std::string_view rest = uri.substr(8);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = pair.substr(0, eq);
    const std::string value = percent_decode(pair.substr(eq + 1));
    if (key == "xt") {
      constexpr std::string_view btih = "urn:btih:";
      if (value.rfind("urn:btmh:", 0) == 0) {
        saw_v2 = true;
        continue;
      }
      if (value.rfind(btih, 0) != 0) continue;
      const std::string hash = value.substr(btih.size());
      if (hash.size() == 40) {
        const auto h = sha1_from_hex(hash);
        if (!h) throw magnet_error("magnet link: info-hash is not hexadecimal");
        m.info_hash = *h;
      } else if (hash.size() == 32) {
        m.info_hash = base32_hash(hash);
      } else {
        throw magnet_error("magnet link: info-hash of " + std::to_string(hash.size()) +
                           " characters (40 hex or 32 base32 expected)");
      }
      have_hash = true;
    } else if (key == "dn") {
      m.display_name = value.substr(0, 1024);
    } else if (key == "tr" || (key.size() > 3 && key.substr(0, 3) == "tr.")) {
      if (!value.empty() && std::find(m.trackers.begin(), m.trackers.end(), value) == m.trackers.end())
        m.trackers.push_back(value);
    } else if (key == "x.pe") {
      m.peers.push_back(parse_peer(value));
    }
  }
  if (!have_hash)
    throw magnet_error(saw_v2 ? "magnet link has only a BitTorrent v2 hash (urn:btmh), which actorrent does not speak"
                              : "magnet link without an info-hash (xt=urn:btih:...)");
  return m;
}

std::string make_torrent_file(std::string_view info_bytes, const std::vector<std::string>& trackers) {
  namespace bc = bencode;
  bc::value::dict d;
  if (!trackers.empty()) {
    d["announce"] = trackers.front();
    bc::value::list tiers;
    for (const auto& t : trackers) {
      bc::value::list tier;
      tier.emplace_back(t);
      tiers.emplace_back(std::move(tier));
    }
    d["announce-list"] = std::move(tiers);
  }
  d["created by"] = "actorrent (from a magnet link)";
  std::string out = bc::encode(bc::value(std::move(d)));
  // "info" sorts after every key above: splice the raw dictionary in before the end.
  out.pop_back();
  out += "4:info";
  out.append(info_bytes);
  out += "e";
  return out;
}

} // namespace actorrent
