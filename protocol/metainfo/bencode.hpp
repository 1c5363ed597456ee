#pragma once
// Bencode (BEP 3): our own decoder and canonical encoder.
//
// The decoder distrusts its input: every length is checked against what is
// left, integers are range-checked, nesting depth and the number of values are
// capped, and trailing bytes are an error. Each decoded value remembers the
// exact bytes it came from (raw()), which is how the info-hash is computed.
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace actorrent::bencode {

// A malformed input: where it went wrong and why.
class decode_error : public std::runtime_error {
public:
  decode_error(std::size_t offset, std::string reason);
  std::size_t offset() const noexcept { return offset_; }
  const std::string& reason() const noexcept { return reason_; }

private:
  std::size_t offset_;
  std::string reason_;
};

// A well-formed value of the wrong type (e.g. a string where an integer belongs).
class type_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class mode {
  strict,  // canonical form only: sorted unique dict keys, no leading zeros in lengths
  lenient, // accepts unsorted keys (and duplicates: the first one wins), as real torrents need
};

struct decode_options {
  enum mode mode = mode::strict;
  std::size_t max_depth = 256;         // lists/dicts nested deeper than this are refused
  std::size_t max_values = 2'000'000;  // bounds memory: each value costs ~80 bytes
};

class value {
public:
  using integer = std::int64_t;
  using string = std::string;
  using list = std::vector<value>;
  using dict = std::map<std::string, value, std::less<>>;

  value() : data_(integer{0}) {}
  value(integer i) : data_(i) {}
  value(int i) : data_(integer{i}) {}
  value(std::string s) : data_(std::move(s)) {}
  value(std::string_view s) : data_(std::string(s)) {}
  value(const char* s) : data_(std::string(s)) {}
  value(list l) : data_(std::move(l)) {}
  value(dict d) : data_(std::move(d)) {}

  bool is_integer() const noexcept { return std::holds_alternative<integer>(data_); }
  bool is_string() const noexcept { return std::holds_alternative<string>(data_); }
  bool is_list() const noexcept { return std::holds_alternative<list>(data_); }
  bool is_dict() const noexcept { return std::holds_alternative<dict>(data_); }

  // Typed access; a type_error names the expected type.
  integer as_integer() const;
  const string& as_string() const;
  const list& as_list() const;
  const dict& as_dict() const;
  list& as_list();
  dict& as_dict();

  // Dictionary lookup: nullptr when this is not a dict or the key is absent.
  const value* find(std::string_view key) const;

  // The exact input bytes this value was decoded from. Empty for values built
  // in code. Points into the decoded buffer, so it is valid only while that is.
  std::string_view raw() const noexcept { return raw_; }

  friend bool operator==(const value& a, const value& b) { return a.data_ == b.data_; }
  friend bool operator!=(const value& a, const value& b) { return !(a == b); }

private:
  friend class decoder;
  std::variant<integer, string, list, dict> data_;
  std::string_view raw_;
};

// Decodes exactly one value that spans the whole input.
value decode(std::string_view input, const decode_options& options = {});

// Decodes one value from the front of the input and says how many bytes it
// used; the rest is left to the caller (BEP 9 puts raw data after a dict).
std::pair<value, std::size_t> decode_prefix(std::string_view input,
                                            const decode_options& options = {});

// Decodes input that must be one dictionary: returns an empty string and sets
// `out`, or returns why not ("is not valid bencode: ...", "is not a
// dictionary") for the caller to prefix with what it was decoding.
std::string decode_dict(std::string_view input, const decode_options& options, value& out);

// Canonical encoding: dict keys in raw byte order, minimal integers.
std::string encode(const value& v);
void encode_to(std::string& out, const value& v);

} // namespace actorrent::bencode
