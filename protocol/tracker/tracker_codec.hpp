#pragma once
// HTTP tracker protocol (BEP 3, BEP 23 compact peers, BEP 7 peers6): building
// the announce URL and parsing the bencoded reply. Networking lives elsewhere.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/peer_id.hpp"
#include "protocol/sha1.hpp"

namespace actorrent {

class tracker_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class announce_event { none, started, completed, stopped };

struct announce_request {
  std::string announce_url;
  sha1_digest info_hash{};
  peer_id id{};
  std::uint16_t port = 0;
  std::int64_t uploaded = 0;
  std::int64_t downloaded = 0;
  std::int64_t left = 0;
  announce_event event = announce_event::none;
  std::optional<int> numwant;
  std::optional<std::uint32_t> key;
  std::string tracker_id;
};

struct peer_endpoint {
  std::string ip; // dotted quad, IPv6 text, or a host name (dictionary form allows it)
  std::uint16_t port = 0;
  std::optional<peer_id> id;
  friend bool operator==(const peer_endpoint& a, const peer_endpoint& b) {
    return a.ip == b.ip && a.port == b.port && a.id == b.id;
  }
};

struct announce_response {
  std::optional<std::string> failure_reason; // when set, nothing else is meaningful
  std::optional<std::string> warning_message;
  std::optional<std::int64_t> interval;     // seconds
  std::optional<std::int64_t> min_interval; // seconds
  std::optional<std::string> tracker_id;
  std::optional<std::int64_t> complete;     // seeders
  std::optional<std::int64_t> incomplete;   // leechers
  std::vector<peer_endpoint> peers;         // IPv4 and IPv6 together
};

// Seconds until the next regular announce: the tracker's interval (1800 if
// absent), at least its min interval, clamped to [30 s, 4 h] so a tracker can
// neither make us hammer it nor, with a huge value, overflow the timer.
std::int64_t next_announce_seconds(const announce_response& r);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view bytes);

// The announce URL with every query parameter; an existing query in the
// tracker URL (private trackers put passkeys there) is kept.
std::string build_announce_url(const announce_request& r);

// Parses a tracker's reply body. Throws tracker_error on anything malformed;
// a "failure reason" is a valid reply and is returned, not thrown.
announce_response parse_announce_response(std::string_view body);

// Compact peer lists: 6 bytes (IPv4) or 18 bytes (IPv6) per peer. Entries with
// port 0 are skipped. Throws tracker_error if the size is not a multiple.
std::vector<peer_endpoint> parse_compact_peers(std::string_view bytes, bool ipv6);

// The inverse: an IP literal as 4 (IPv4) or 16 (IPv6) raw bytes, then the
// port with compact_peer. Empty for anything that is not an IP literal.
std::string ip_bytes(std::string_view ip);
std::string compact_peer(std::string_view ip, std::uint16_t port);

// Trackers reached with libcurl: http:// and https:// URLs.
bool is_http_url(std::string_view url);

// Announce URL -> scrape URL (BEP 48 convention), nullopt if it has no "/announce".
std::optional<std::string> scrape_url(std::string_view announce_url);

// A tracker's counts for one torrent (HTTP scrape or UDP scrape).
struct scrape_counts {
  std::int64_t seeders = 0;   // "complete"
  std::int64_t completed = 0; // "downloaded": finished downloads ever
  std::int64_t leechers = 0;  // "incomplete"
};

// The scrape URL for one info-hash (an existing query, e.g. a passkey, kept);
// nullopt when the announce URL has no scrape convention.
std::optional<std::string> build_scrape_url(std::string_view announce_url, const sha1_digest& info_hash);

// Parses a scrape reply for `info_hash`. Throws tracker_error when malformed,
// with the tracker's text on a "failure reason", or when the torrent is missing.
scrape_counts parse_scrape_response(std::string_view body, const sha1_digest& info_hash);

} // namespace actorrent
