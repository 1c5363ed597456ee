#pragma once
// Peer wire protocol (BEP 3): the handshake and every message, encoded into a
// caller's buffer and decoded from a frame payload with every length checked.
// Decoded messages hold views into the frame, so a piece's data is copied once,
// by whoever keeps it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/peer_id.hpp"
#include "protocol/sha1.hpp"

namespace actorrent::wire {

inline constexpr std::string_view protocol_string = "BitTorrent protocol";
inline constexpr std::size_t handshake_size = 68;

struct handshake {
  std::array<std::uint8_t, 8> reserved{};
  sha1_digest info_hash{};
  peer_id id{};
  // Reserved bits we know: BEP 10 (extension protocol), BEP 6 (fast), BEP 5 (DHT).
  void set_extensions() { reserved[5] |= 0x10; }
  void set_fast() { reserved[7] |= 0x04; }
  void set_dht() { reserved[7] |= 0x01; }
  bool supports_extensions() const { return reserved[5] & 0x10; }
  bool supports_fast() const { return reserved[7] & 0x04; }
  bool supports_dht() const { return reserved[7] & 0x01; }
};

std::string encode_handshake(const handshake& h);
// Needs exactly the 68 handshake bytes; nullopt when the protocol string is wrong.
std::optional<handshake> parse_handshake(std::string_view bytes);

enum class message_id : std::uint8_t {
  choke = 0,
  unchoke = 1,
  interested = 2,
  not_interested = 3,
  have = 4,
  bitfield = 5,
  request = 6,
  piece = 7,
  cancel = 8,
  port = 9,
  // BEP 6 (Fast extension)
  suggest = 13,
  have_all = 14,
  have_none = 15,
  reject = 16,
  allowed_fast = 17,
  // BEP 10 (extension protocol)
  extended = 20,
};

struct keep_alive {};
struct choke {};
struct unchoke {};
struct interested {};
struct not_interested {};
struct have { std::uint32_t piece; };
struct bitfield { std::string_view bytes; };
struct request { std::uint32_t piece, begin, length; };
struct piece { std::uint32_t index, begin; std::string_view data; };
struct cancel { std::uint32_t piece, begin, length; };
struct port { std::uint16_t port; };
struct suggest { std::uint32_t piece; };
struct have_all {};
struct have_none {};
struct reject { std::uint32_t piece, begin, length; };
struct allowed_fast { std::uint32_t piece; };
// BEP 10: id 0 is the extension handshake, others are what we announced in `m`.
struct extended { std::uint8_t id; std::string_view payload; };
// Ids we do not speak (yet): kept, not an error, so extensions can be ignored.
struct unknown { std::uint8_t id; std::string_view payload; };

using message = std::variant<keep_alive, choke, unchoke, interested, not_interested, have,
                             bitfield, request, piece, cancel, port, suggest, have_all, have_none,
                             reject, allowed_fast, extended, unknown>;

struct decode_result {
  std::optional<message> msg;
  std::string error; // set when msg is empty
};

// Decodes one frame's payload (the bytes after the 4-byte length). An empty
// payload is a keep-alive. A known id with the wrong payload size is an error.
decode_result decode_message(std::string_view payload);

// Encoders append one whole frame (length prefix included) to out.
void append_keep_alive(std::string& out);
void append_choke(std::string& out);
void append_unchoke(std::string& out);
void append_interested(std::string& out);
void append_not_interested(std::string& out);
void append_have(std::string& out, std::uint32_t piece);
void append_bitfield(std::string& out, std::string_view bytes);
void append_request(std::string& out, std::uint32_t piece, std::uint32_t begin, std::uint32_t length);
void append_piece(std::string& out, std::uint32_t piece, std::uint32_t begin, std::string_view data);
// The 13 bytes before a piece message's payload of `length` bytes, for a
// sender that copies the payload into its socket buffer itself.
constexpr std::size_t piece_header_size = 13;
void write_piece_header(char* out, std::uint32_t piece, std::uint32_t begin, std::uint32_t length);
void append_cancel(std::string& out, std::uint32_t piece, std::uint32_t begin, std::uint32_t length);
void append_port(std::string& out, std::uint16_t port);
void append_suggest(std::string& out, std::uint32_t piece);
void append_have_all(std::string& out);
void append_have_none(std::string& out);
void append_reject(std::string& out, std::uint32_t piece, std::uint32_t begin, std::uint32_t length);
void append_allowed_fast(std::string& out, std::uint32_t piece);
void append_extended(std::string& out, std::uint8_t id, std::string_view payload);
// Re-encodes any decoded message; encode(decode(frame)) == frame.
void append_message(std::string& out, const message& msg);

// Big-endian helpers shared by the codecs.
std::uint32_t read_u32(const char* p);
std::uint16_t read_u16(const char* p);
void append_u32(std::string& out, std::uint32_t v);
void append_u16(std::string& out, std::uint16_t v);

} // namespace actorrent::wire
