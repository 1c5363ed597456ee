#pragma once
// UDP tracker protocol (BEP 15): packets for connect, announce and scrape, and
// strict checks of every reply (size, action, transaction id). The exchange
// itself (connection ids, retransmissions) is the UDP tracker actor's job.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/tracker/tracker_codec.hpp"

namespace actorrent::udp_tracker {

enum class action : std::uint32_t { connect = 0, announce = 1, scrape = 2, error = 3 };

// The magic constant a connect request starts with.
inline constexpr std::uint64_t protocol_id = 0x41727101980ULL;
// Replies larger than this are refused (an announce reply with 200 IPv6 peers
// is 3,620 bytes; a scrape of 74 hashes, the most one packet may ask, is 896).
inline constexpr std::size_t max_reply_size = 8192;
// BEP 15: at most about 74 info-hashes per scrape.
inline constexpr std::size_t max_scrape_hashes = 74;

// "udp://host:port[/anything]" -> host and port (IPv6 hosts in brackets);
// nullopt for anything else, a missing or zero port included.
struct tracker_address {
  std::string host;
  std::uint16_t port = 0;
};
std::optional<tracker_address> parse_url(std::string_view url);

// A complete request packet: connection id, action, transaction id, body.
std::string connect_request(std::uint32_t transaction);
std::string request(std::uint64_t connection_id, action a, std::uint32_t transaction, std::string_view body);

// The part of an announce request after the 16-byte header (82 bytes).
std::string announce_body(const announce_request& r);
// The part of a scrape request after the header: the info-hashes.
std::string scrape_body(const std::vector<sha1_digest>& hashes);

// A checked reply: either the tracker's error text or the payload after the
// 8-byte header (action, transaction id).
struct reply {
  bool is_error = false;
  std::string error_message;
  std::string_view payload;
};

// Throws tracker_error when the packet is too short or too long, carries
// another transaction id, or an action other than `expected` or error.
reply check_reply(std::string_view packet, std::uint32_t transaction, action expected);

// The transaction id of a packet (for matching it to a pending request);
// false when the packet is shorter than a header.
bool peek_transaction(std::string_view packet, std::uint32_t& transaction);

// Payload parsers; each throws tracker_error on a size that does not fit.
std::uint64_t parse_connect(std::string_view payload);
// `ipv6`: the tracker was reached over IPv6, so peers are 18 bytes each.
announce_response parse_announce(std::string_view payload, bool ipv6);

std::vector<scrape_counts> parse_scrape(std::string_view payload, std::size_t hashes);

} // namespace actorrent::udp_tracker
