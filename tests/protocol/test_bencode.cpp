#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "protocol/metainfo/bencode.hpp"

using namespace actorrent::bencode;
namespace data = boost::unit_test::data;

namespace {
struct bad_case {
  std::string input;
  std::size_t offset;
  std::string reason;
};
std::ostream& operator<<(std::ostream& os, const bad_case& c) { return os << '"' << c.input.substr(0, 40) << '"'; }

struct mode_case {
  std::string input;
  bool strict_ok;
  bool lenient_ok;
};
std::ostream& operator<<(std::ostream& os, const mode_case& c) { return os << '"' << c.input << '"'; }

decode_options lenient() {
  decode_options o;
  o.mode = mode::lenient;
  return o;
}
} // namespace

BOOST_AUTO_TEST_SUITE(bencode)

// Canonical inputs: decoding then encoding gives back the same bytes.
const char* const canonical[] = {
    "i0e", "i42e", "i-42e", "i9223372036854775807e", "i-9223372036854775808e",
    "0:", "4:spam", "le", "li1ei2ee", "l4:spaml1:aee", "de",
    "d3:cow3:moo4:spam4:eggse", "d1:ad1:bd1:cleeee", "d1:Ai1e1:ai2e2:\x80\x80i3ee",
    "d4:infod6:lengthi5e4:name1:xee",
};

BOOST_DATA_TEST_CASE(round_trips_byte_for_byte, data::make(canonical), text) {
  const std::string in(text);
  const value v = decode(in);
  BOOST_TEST(encode(v) == in);
  BOOST_TEST(v.raw() == in);
}

BOOST_AUTO_TEST_CASE(round_trips_binary_strings) {
  const std::string in("3:\x00\xff\x80", 5);
  BOOST_TEST(decode(in).as_string() == std::string("\x00\xff\x80", 3));
  BOOST_TEST(encode(decode(in)) == in);
}

BOOST_AUTO_TEST_CASE(decodes_values) {
  BOOST_TEST(decode("i-17e").as_integer() == -17);
  BOOST_TEST(decode("5:hello").as_string() == "hello");
  const value l = decode("li1e3:abce");
  BOOST_TEST(l.as_list().size() == 2u);
  BOOST_TEST(l.as_list()[1].as_string() == "abc");
  const value d = decode("d1:ai1e1:bli2eee");
  BOOST_TEST(d.find("a")->as_integer() == 1);
  BOOST_TEST(d.find("b")->as_list()[0].as_integer() == 2);
  BOOST_TEST(d.find("zz") == nullptr);
  BOOST_TEST(l.find("a") == nullptr); // not a dict
}

const bad_case bad[] = {
    {"", 0, "unexpected end of input"},
    {"x", 0, "unexpected character 'x'"},
    {"\x01", 0, "unexpected byte 0x01"},
    {"i", 0, "unterminated integer"},
    {"i12", 0, "unterminated integer"},
    {"ie", 0, "integer without digits"},
    {"i-e", 0, "integer without digits"},
    {"i-0e", 0, "negative zero"},
    {"i03e", 0, "integer with a leading zero"},
    {"i-03e", 0, "integer with a leading zero"},
    {"i1.5e", 2, "unexpected character '.' in integer"},
    {"i+5e", 1, "unexpected character '+' in integer"},
    {"i9223372036854775808e", 0, "integer out of 64-bit range"},
    {"i-9223372036854775809e", 0, "integer out of 64-bit range"},
    {"i99999999999999999999999e", 0, "integer out of 64-bit range"},
    {"5", 0, "string length exceeds the input size"},
    {"1", 0, "unterminated string length"},
    {"5:abc", 0, "string of 5 bytes runs past the end (3 left)"},
    {"99999999999:", 0, "string length exceeds the input size"},
    {"18446744073709551617:x", 0, "string length exceeds the input size"},
    {"3x:abc", 1, "unexpected character 'x' in string length"},
    {"l", 1, "unterminated list"},
    {"li1e", 4, "unterminated list"},
    {"d", 1, "unterminated dictionary"},
    {"d1:a", 4, "dictionary key without a value"},
    {"di1ei2ee", 1, "dictionary key is not a byte string"},
    {"dle1:ae", 1, "dictionary key is not a byte string"},
    {"d1:bi1e1:ai2ee", 7, "dictionary keys not sorted"},
    {"d1:ai1e1:ai2ee", 7, "duplicate dictionary key"},
    {"i1ei2e", 3, "3 trailing bytes after the value"},
    {"4:spamx", 6, "1 trailing bytes after the value"},
    {"le ", 2, "1 trailing bytes after the value"},
    {"03:abc", 0, "string length with a leading zero"},
    {"d1:\xff" "i1e1:ai1ee", 7, "dictionary keys not sorted"}, // 0xff sorts after 'a'
};

BOOST_DATA_TEST_CASE(rejects_malformed_with_offset_and_reason, data::make(bad), c) {
  try {
    decode(c.input);
    BOOST_FAIL("decoded without error");
  } catch (const decode_error& e) {
    BOOST_TEST(e.offset() == c.offset);
    BOOST_TEST(e.reason() == c.reason);
    BOOST_TEST(std::string(e.what()).find("at byte " + std::to_string(c.offset)) != std::string::npos);
  }
}

const mode_case modes[] = {
    {"d1:bi1e1:ai2ee", false, true},  // unsorted
    {"d1:ai1e1:ai2ee", false, true},  // duplicate
    {"03:abc", false, true},          // non-canonical length
    {"d1:ai1e1:bi2ee", true, true},
    {"i-0e", false, false},           // invalid in any mode
    {"i01e", false, false},
};

BOOST_DATA_TEST_CASE(strict_and_lenient_modes, data::make(modes), c) {
  auto ok = [&](const decode_options& o) {
    try { decode(c.input, o); return true; } catch (const decode_error&) { return false; }
  };
  BOOST_TEST(ok(decode_options{}) == c.strict_ok);
  BOOST_TEST(ok(lenient()) == c.lenient_ok);
}

BOOST_AUTO_TEST_CASE(lenient_duplicates_keep_the_first) {
  const value d = decode("d1:ai1e1:ai2ee", lenient());
  BOOST_TEST(d.find("a")->as_integer() == 1);
}

BOOST_AUTO_TEST_CASE(lenient_unsorted_keeps_raw_bytes) {
  const std::string in = "d1:bi1e1:ai2ee";
  const value d = decode(in, lenient());
  BOOST_TEST(d.raw() == in);                  // raw is what was read...
  BOOST_TEST(encode(d) == "d1:ai2e1:bi1ee");  // ...the encoder is canonical
}

BOOST_AUTO_TEST_CASE(depth_limit) {
  decode_options o;
  o.max_depth = 10;
  BOOST_CHECK_NO_THROW(decode(std::string(10, 'l') + std::string(10, 'e'), o));
  BOOST_CHECK_THROW(decode(std::string(11, 'l') + std::string(11, 'e'), o), decode_error);
  // The default limit stops 100 000 levels without exhausting the stack.
  const std::string deep = std::string(100000, 'l') + std::string(100000, 'e');
  try {
    decode(deep);
    BOOST_FAIL("accepted 100000 levels");
  } catch (const decode_error& e) {
    BOOST_TEST(e.offset() == 256u);
    BOOST_TEST(e.reason() == "nesting deeper than 256 levels");
  }
}

BOOST_AUTO_TEST_CASE(value_count_limit) {
  decode_options o;
  o.max_values = 5;
  BOOST_CHECK_NO_THROW(decode("li1ei2ei3ei4ee", o));
  BOOST_CHECK_THROW(decode("li1ei2ei3ei4ei5ee", o), decode_error);
}

BOOST_AUTO_TEST_CASE(raw_bytes_of_nested_values) {
  const std::string in = "d8:announce3:url4:infod6:lengthi5e4:name1:xe5:otheri1ee";
  const value root = decode(in);
  BOOST_TEST(root.find("info")->raw() == "d6:lengthi5e4:name1:xe");
  BOOST_TEST(root.find("info")->find("length")->raw() == "i5e");
  BOOST_TEST(root.find("announce")->raw() == "3:url");
  BOOST_TEST(decode("l4:spami7ee").as_list()[1].raw() == "i7e");
}

BOOST_AUTO_TEST_CASE(decode_prefix_leaves_the_rest) {
  const std::string in = "d8:msg_typei1e5:piecei0eeRAWDATA";
  auto [v, used] = decode_prefix(in);
  BOOST_TEST(used == in.size() - 7);
  BOOST_TEST(v.find("piece")->as_integer() == 0);
  BOOST_CHECK_THROW(decode(in), decode_error);
}

BOOST_AUTO_TEST_CASE(encoder_is_canonical) {
  value::dict d;
  d["zeta"] = 1;
  d["alpha"] = value::list{"x", -3, value::dict{}};
  d[std::string("\xc3\xa9", 2)] = "e-acute"; // bytes >= 0x80 sort after ASCII
  d["Beta"] = value::integer{0};
  BOOST_TEST(encode(value(d)) == "d4:Betai0e5:alphal1:xi-3edee4:zetai1e2:\xc3\xa9" "7:e-acutee");
  BOOST_TEST(encode(value(std::numeric_limits<std::int64_t>::min())) == "i-9223372036854775808e");
  BOOST_TEST(encode(value("")) == "0:");
  BOOST_CHECK(decode(encode(value(d))) == value(d));
}

BOOST_AUTO_TEST_CASE(typed_access_errors) {
  const value v = decode("i1e");
  BOOST_CHECK_THROW(v.as_string(), type_error);
  BOOST_CHECK_THROW(v.as_list(), type_error);
  BOOST_CHECK_THROW(v.as_dict(), type_error);
  BOOST_CHECK_THROW(decode("1:a").as_integer(), type_error);
}

BOOST_AUTO_TEST_SUITE_END()
