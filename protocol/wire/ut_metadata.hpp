#pragma once
// BEP 9 metadata exchange: the ut_metadata messages (a bencoded header, then
// for 'data' the raw 16 KiB piece of the info dictionary) and the assembler
// that puts a fetched info dictionary together and checks it against the
// info-hash before anyone trusts it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/wire/extension_handshake.hpp"
#include "protocol/sha1.hpp"

namespace actorrent::ut_metadata {

inline constexpr std::uint32_t piece_size = 16 * 1024;

enum class msg_type : std::uint8_t { request = 0, data = 1, reject = 2 };

struct message {
  msg_type type = msg_type::request;
  std::uint32_t piece = 0;
  std::int64_t total_size = 0; // 'data' only
  std::string_view data;       // 'data' only: points into the payload
};

std::string encode_request(std::uint32_t piece);
std::string encode_reject(std::uint32_t piece);
std::string encode_data(std::uint32_t piece, std::int64_t total_size, std::string_view data);

// Throws ext::extension_error when malformed: a header that is not a
// dictionary, an unknown msg_type, a piece index outside 0..2^31-1, data
// after a request or reject, or a data message without total_size.
message parse(std::string_view payload);

// Number of 16 KiB pieces of an info dictionary of `size` bytes.
std::uint32_t piece_count(std::int64_t size);

// The piece `piece` of `info_bytes` (the last one may be short); empty when
// out of range.
std::string_view piece_of(std::string_view info_bytes, std::uint32_t piece);

// Collects the pieces of one info dictionary, whoever sends them.
class assembler {
public:
  // `size` as announced in an extension handshake (already range-checked).
  assembler(const sha1_digest& info_hash, std::int64_t size);

  std::int64_t size() const { return size_; }
  // The next piece nobody has been asked for, oldest requests retried last;
  // nullopt when every missing piece is already asked for.
  std::optional<std::uint32_t> next_to_request();
  // A request went unanswered or was rejected: ask someone else.
  void release(std::uint32_t piece);

  enum class result { accepted, wrong_size, duplicate, complete, hash_mismatch };
  // One 'data' message. wrong_size: its total_size or length does not fit
  // (the sender is lying). hash_mismatch: the last piece arrived and the
  // whole does not hash to the info-hash; everything is dropped to start over.
  result add(std::uint32_t piece, std::int64_t total_size, std::string_view data);

  bool complete() const { return complete_; }
  // The verified info dictionary; valid once complete().
  const std::string& bytes() const { return bytes_; }

private:
  sha1_digest info_hash_;
  std::int64_t size_;
  std::string bytes_;
  std::vector<std::uint8_t> state_; // per piece: 0 missing, 1 requested, 2 received
  std::uint32_t received_ = 0;
  bool complete_ = false;
};

} // namespace actorrent::ut_metadata
