#include "protocol/wire/ut_metadata.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/metainfo/bencode.hpp"

namespace actorrent::ut_metadata {

namespace bc = bencode;
using ext::extension_error;

namespace {
std::string header(msg_type type, std::uint32_t piece, std::int64_t total_size) {
  bc::value::dict d;
  d["msg_type"] = bc::value::integer{static_cast<std::uint8_t>(type)};
  d["piece"] = bc::value::integer{piece};
  if (type == msg_type::data) d["total_size"] = total_size;
  return bc::encode(bc::value(std::move(d)));
}
} // namespace

std::string encode_request(std::uint32_t piece) { return header(msg_type::request, piece, 0); }
std::string encode_reject(std::uint32_t piece) { return header(msg_type::reject, piece, 0); }
std::string encode_data(std::uint32_t piece, std::int64_t total_size, std::string_view data) {
  return header(msg_type::data, piece, total_size) + std::string(data);
}

message parse(std::string_view payload) {
  bc::value head;
  std::size_t used = 0;
  try {
    bc::decode_options opt;
    opt.mode = bc::mode::lenient;
    opt.max_depth = 2;
    opt.max_values = 64;
    std::tie(head, used) = bc::decode_prefix(payload, opt);
  } catch (const bc::decode_error& e) {
    throw extension_error(std::string("ut_metadata header is not valid bencode: ") + e.what());
  }
  if (!head.is_dict()) throw extension_error("ut_metadata header is not a dictionary");
  const bc::value* type = head.find("msg_type");
  const bc::value* piece = head.find("piece");
  if (type == nullptr || !type->is_integer() || type->as_integer() < 0 || type->as_integer() > 2)
    throw extension_error("ut_metadata message with a missing or unknown msg_type");
  // A piece past the end is the server's to reject, not a malformed message.
  if (piece == nullptr || !piece->is_integer() || piece->as_integer() < 0 || piece->as_integer() > 0x7fffffff)
    throw extension_error("ut_metadata message with a missing or impossible piece index");
  message m;
  m.type = static_cast<msg_type>(type->as_integer());
  m.piece = static_cast<std::uint32_t>(piece->as_integer());
  const std::string_view rest = payload.substr(used);
  if (m.type != msg_type::data) {
    if (!rest.empty()) throw extension_error("ut_metadata request or reject with trailing bytes");
    return m;
  }
  const bc::value* total = head.find("total_size");
  if (total == nullptr || !total->is_integer()) throw extension_error("ut_metadata data without total_size");
  m.total_size = total->as_integer();
  m.data = rest;
  return m;
}

std::uint32_t piece_count(std::int64_t size) {
  return size <= 0 ? 0 : static_cast<std::uint32_t>((size + piece_size - 1) / piece_size);
}

std::string_view piece_of(std::string_view info_bytes, std::uint32_t piece) {
  const std::size_t begin = std::size_t{piece} * piece_size;
  if (begin >= info_bytes.size()) return {};
  return info_bytes.substr(begin, piece_size);
}

assembler::assembler(const sha1_digest& info_hash, std::int64_t size)
    : info_hash_(info_hash), size_(size), bytes_(static_cast<std::size_t>(size), '\0'), state_(piece_count(size), 0) {}

std::optional<std::uint32_t> assembler::next_to_request() {
  for (std::uint32_t i = 0; i < state_.size(); ++i)
    if (state_[i] == 0) {
      state_[i] = 1;
      return i;
    }
  return std::nullopt;
}

void assembler::release(std::uint32_t piece) {
  if (piece < state_.size() && state_[piece] == 1) state_[piece] = 0;
}

assembler::result assembler::add(std::uint32_t piece, std::int64_t total_size, std::string_view data) {
  if (complete_) return result::duplicate;
  if (total_size != size_ || piece >= state_.size()) return result::wrong_size;
  const std::size_t begin = std::size_t{piece} * piece_size;
  const std::size_t want = std::min<std::size_t>(piece_size, static_cast<std::size_t>(size_) - begin);
  if (data.size() != want) return result::wrong_size;
  if (state_[piece] == 2) return result::duplicate;
  std::memcpy(bytes_.data() + begin, data.data(), want);
  state_[piece] = 2;
  if (++received_ < state_.size()) return result::accepted;
  if (sha1(bytes_) != info_hash_) {
    std::fill(state_.begin(), state_.end(), 0);
    received_ = 0;
    return result::hash_mismatch;
  }
  complete_ = true;
  return result::complete;
}

} // namespace actorrent::ut_metadata
