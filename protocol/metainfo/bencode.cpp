#include "protocol/metainfo/bencode.hpp"

#include <charconv>
#include <limits>

namespace actorrent::bencode {

decode_error::decode_error(std::size_t offset, std::string reason)
    : std::runtime_error("bencode: " + reason + " at byte " + std::to_string(offset)),
      offset_(offset), reason_(std::move(reason)) {}

namespace {
[[noreturn]] void wrong_type(const char* expected) {
  throw type_error(std::string("bencode: expected ") + expected);
}
} // namespace

value::integer value::as_integer() const {
  if (auto p = std::get_if<integer>(&data_)) return *p;
  wrong_type("an integer");
}
const value::string& value::as_string() const {
  if (auto p = std::get_if<string>(&data_)) return *p;
  wrong_type("a byte string");
}
const value::list& value::as_list() const {
  if (auto p = std::get_if<list>(&data_)) return *p;
  wrong_type("a list");
}
const value::dict& value::as_dict() const {
  if (auto p = std::get_if<dict>(&data_)) return *p;
  wrong_type("a dictionary");
}
value::list& value::as_list() {
  if (auto p = std::get_if<list>(&data_)) return *p;
  wrong_type("a list");
}
value::dict& value::as_dict() {
  if (auto p = std::get_if<dict>(&data_)) return *p;
  wrong_type("a dictionary");
}

const value* value::find(std::string_view key) const {
  auto d = std::get_if<dict>(&data_);
  if (d == nullptr) return nullptr;
  auto it = d->find(key);
  return it == d->end() ? nullptr : &it->second;
}

class decoder {
public:
  decoder(std::string_view in, const decode_options& opt) : in_(in), opt_(opt) {}

  value parse(std::size_t depth) {
    if (pos_ >= in_.size()) fail(pos_, "unexpected end of input");
    if (++values_ > opt_.max_values)
      fail(pos_, "more than " + std::to_string(opt_.max_values) + " values");
    const std::size_t start = pos_;
    value v;
    char c = in_[pos_];
    if (c == 'i') {
      v.data_ = parse_integer();
    } else if (c >= '0' && c <= '9') {
      v.data_ = std::string(parse_string());
    } else if (c == 'l' || c == 'd') {
      if (depth >= opt_.max_depth)
        fail(pos_, "nesting deeper than " + std::to_string(opt_.max_depth) + " levels");
      ++pos_;
      if (c == 'l')
        v.data_ = parse_list_items(depth + 1);
      else
        v.data_ = parse_dict_items(depth + 1);
    } else {
      fail(pos_, std::string("unexpected ") + describe(c));
    }
    v.raw_ = in_.substr(start, pos_ - start);
    return v;
  }

  std::size_t position() const { return pos_; }

  [[noreturn]] static void fail(std::size_t at, std::string reason) {
    throw decode_error(at, std::move(reason));
  }

private:
  static std::string describe(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("character '") + c + "'";
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
  }

  value::integer parse_integer() {
    const std::size_t start = pos_;
    ++pos_; // 'i'
    bool negative = false;
    if (pos_ < in_.size() && in_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    const std::size_t digits_start = pos_;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    if (pos_ >= in_.size()) fail(start, "unterminated integer");
    if (in_[pos_] != 'e') fail(pos_, "unexpected " + describe(in_[pos_]) + " in integer");
    const std::string_view digits = in_.substr(digits_start, pos_ - digits_start);
    if (digits.empty()) fail(start, "integer without digits");
    if (digits.size() > 1 && digits[0] == '0') fail(start, "integer with a leading zero");
    if (negative && digits == "0") fail(start, "negative zero");
    // Accumulate as a negative number so INT64_MIN is representable.
    value::integer acc = 0;
    for (char d : digits) {
      const int digit = d - '0';
      if (acc < (std::numeric_limits<value::integer>::min() + digit) / 10)
        fail(start, "integer out of 64-bit range");
      acc = acc * 10 - digit;
    }
    if (!negative) {
      if (acc == std::numeric_limits<value::integer>::min())
        fail(start, "integer out of 64-bit range");
      acc = -acc;
    }
    ++pos_; // 'e'
    return acc;
  }

  std::string_view parse_string() {
    const std::size_t start = pos_;
    std::size_t length = 0;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
      // The length can never exceed the input, so stop counting as soon as it does.
      length = length * 10 + static_cast<std::size_t>(in_[pos_] - '0');
      if (length > in_.size()) fail(start, "string length exceeds the input size");
      ++pos_;
    }
    if (pos_ >= in_.size()) fail(start, "unterminated string length");
    if (in_[pos_] != ':') fail(pos_, "unexpected " + describe(in_[pos_]) + " in string length");
    if (opt_.mode == mode::strict && pos_ - start > 1 && in_[start] == '0')
      fail(start, "string length with a leading zero");
    ++pos_; // ':'
    if (length > in_.size() - pos_)
      fail(start, "string of " + std::to_string(length) + " bytes runs past the end (" +
                      std::to_string(in_.size() - pos_) + " left)");
    auto s = in_.substr(pos_, length);
    pos_ += length;
    return s;
  }

  value::list parse_list_items(std::size_t depth) {
    value::list items;
    for (;;) {
      if (pos_ >= in_.size()) fail(pos_, "unterminated list");
      if (in_[pos_] == 'e') break;
      items.push_back(parse(depth));
    }
    ++pos_;
    return items;
  }

  value::dict parse_dict_items(std::size_t depth) {
    value::dict items;
    std::string_view previous_key;
    bool first = true;
    for (;;) {
      if (pos_ >= in_.size()) fail(pos_, "unterminated dictionary");
      if (in_[pos_] == 'e') break;
      const std::size_t key_at = pos_;
      if (in_[pos_] < '0' || in_[pos_] > '9')
        fail(key_at, "dictionary key is not a byte string");
      const std::string_view key = parse_string();
      if (opt_.mode == mode::strict && !first) {
        if (key == previous_key) fail(key_at, "duplicate dictionary key");
        if (key < previous_key) fail(key_at, "dictionary keys not sorted");
      }
      if (pos_ >= in_.size()) fail(pos_, "dictionary key without a value");
      value v = parse(depth);
      items.emplace(std::string(key), std::move(v)); // lenient: first occurrence wins
      previous_key = key;
      first = false;
    }
    ++pos_;
    return items;
  }

  std::string_view in_;
  const decode_options& opt_;
  std::size_t pos_ = 0;
  std::size_t values_ = 0;
};

std::pair<value, std::size_t> decode_prefix(std::string_view input,
                                            const decode_options& options) {
  decoder d(input, options);
  value v = d.parse(0);
  return {std::move(v), d.position()};
}

value decode(std::string_view input, const decode_options& options) {
  auto [v, used] = decode_prefix(input, options);
  if (used != input.size())
    decoder::fail(used, std::to_string(input.size() - used) + " trailing bytes after the value");
  return std::move(v);
}

namespace {
void append_integer(std::string& out, value::integer i) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, res.ptr);
}
void append_string(std::string& out, std::string_view s) {
  append_integer(out, static_cast<value::integer>(s.size()));
  out.push_back(':');
  out.append(s);
}
} // namespace

void encode_to(std::string& out, const value& v) {
  if (v.is_integer()) {
    out.push_back('i');
    append_integer(out, v.as_integer());
    out.push_back('e');
  } else if (v.is_string()) {
    append_string(out, v.as_string());
  } else if (v.is_list()) {
    out.push_back('l');
    for (const auto& item : v.as_list()) encode_to(out, item);
    out.push_back('e');
  } else {
    // std::map<std::string> orders keys by unsigned byte value, as BEP 3 requires.
    out.push_back('d');
    for (const auto& [key, item] : v.as_dict()) {
      append_string(out, key);
      encode_to(out, item);
    }
    out.push_back('e');
  }
}

std::string encode(const value& v) {
  std::string out;
  encode_to(out, v);
  return out;
}

std::string decode_dict(std::string_view input, const decode_options& options, value& out) {
  try {
    out = decode(input, options);
  } catch (const decode_error& e) {
    return std::string("is not valid bencode: ") + e.what();
  }
  return out.is_dict() ? std::string() : std::string("is not a dictionary");
}

} // namespace actorrent::bencode
