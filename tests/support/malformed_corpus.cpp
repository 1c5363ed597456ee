#include "tests/support/malformed_corpus.hpp"

#include "tests/support/torrent_builder.hpp"

namespace actorrent::test {

namespace {

using bencode::value;

std::string with_info(const value& info) { return bencode::encode(make_torrent(info)); }

// A valid multi-file info dict whose file list is replaced by `files`.
std::string with_files(value::list files) {
  value info = make_info("set", {{{"a"}, 10}});
  info.as_dict()["files"] = std::move(files);
  return with_info(info);
}

std::string with_path(value::list path) {
  return with_files({value::dict{{"length", 10}, {"path", std::move(path)}}});
}

std::string with_name(std::string name) {
  value info = make_info("x", {{{}, 10}}, 16384, false);
  info.as_dict()["name"] = std::move(name);
  return with_info(info);
}

std::string with_field(const std::string& key, value v) {
  value info = make_info("x", {{{}, 100000}}, 16384, false);
  info.as_dict()[key] = std::move(v);
  return with_info(info);
}

std::string without_field(const std::string& key) {
  value info = make_info("x", {{{}, 100000}}, 16384, false);
  info.as_dict().erase(key);
  return with_info(info);
}

} // namespace

std::vector<malformed_case> malformed_corpus() {
  const std::string good = single_file_torrent();
  std::vector<malformed_case> c = {
      // --- not bencode at all, or broken bencode
      {"empty file", "", "empty"},
      {"plain text", "hello world", "not valid bencode"},
      {"truncated in the middle", good.substr(0, good.size() / 2), "not valid bencode"},
      {"truncated by one byte", good.substr(0, good.size() - 1), "unterminated"},
      {"trailing garbage", good + "xyz", "trailing"},
      {"absurd string length", "d8:announce99999999999:", "exceeds the input"},
      {"string past the end", "d8:announce5:http", "runs past the end"},
      {"integer overflow", "d1:ai99999999999999999999ee", "64-bit range"},
      {"negative zero", "d1:ai-0ee", "negative zero"},
      {"leading zero integer", "d1:ai007ee", "leading zero"},
      {"empty integer", "d1:aiee", "without digits"},
      {"unterminated integer", "d1:ai12", "unterminated integer"},
      {"non-string dict key", "di1ei2ee", "key is not a byte string"},
      {"100000 nested lists", std::string(100000, 'l') + std::string(100000, 'e'), "nesting deeper"},
      {"100000 nested dicts", [] {
         std::string s;
         for (int i = 0; i < 100000; ++i) s += "d1:a";
         return s + "i0e" + std::string(100000, 'e');
       }(), "nesting deeper"},
      {"unexpected byte", "d1:a\x01" "e", "unexpected byte 0x01"},
      {"dict key without value", "d1:ae", "unexpected character 'e'"},
      // --- structure
      {"top-level list", "l4:infoe", "top level is not a dictionary"},
      {"top-level integer", "i42e", "top level is not a dictionary"},
      {"no info", "d8:announce4:httpe", "no 'info'"},
      {"info is a list", bencode::encode(value::dict{{"info", value::list{}}}), "'info' is not a dictionary"},
      {"info is a string", bencode::encode(value::dict{{"info", "x"}}), "'info' is not a dictionary"},
      // --- piece length and pieces
      {"zero piece length", with_field("piece length", 0), "must be positive"},
      {"negative piece length", with_field("piece length", -16384), "must be positive"},
      {"huge piece length", with_field("piece length", value::integer{1} << 40), "over 128 MiB"},
      {"piece length is a string", with_field("piece length", "16384"), "'piece length' is not an integer"},
      {"missing piece length", without_field("piece length"), "missing 'piece length'"},
      {"missing pieces", without_field("pieces"), "missing 'pieces'"},
      {"pieces not a multiple of 20", with_field("pieces", std::string(21, 'x')), "multiple of 20"},
      {"too few piece hashes", with_field("pieces", std::string(20, 'x')), "need 7"},
      {"too many piece hashes", with_field("pieces", std::string(20 * 8, 'x')), "need 7"},
      {"pieces is an integer", with_field("pieces", 5), "'pieces' is not a byte string"},
      // --- sizes
      {"negative length", with_field("length", -1), "negative length"},
      {"length is a string", with_field("length", "100"), "'length' is not an integer"},
      {"length and files", with_field("files", value::list{}), "both 'length' and 'files'"},
      {"neither length nor files", without_field("length"), "neither 'length' nor 'files'"},
      {"zero total size", with_info(make_info("x", {{{}, 0}}, 16384, false)), "total size 0"},
      {"absurd total size", with_field("length", value::integer{1} << 62), "absurdly large"},
      {"size overflow over files", with_files({value::dict{{"length", value::integer{1} << 51}, {"path", value::list{"a"}}},
                                               value::dict{{"length", value::integer{1} << 51}, {"path", value::list{"b"}}},
                                               value::dict{{"length", value::integer{1} << 51}, {"path", value::list{"c"}}}}),
       "absurdly large"},
      {"files is a dict", [] {
         value info = make_info("set", {{{"a"}, 10}});
         info.as_dict()["files"] = value::dict{{"length", 10}};
         return with_info(info);
       }(), "'files' is not a list"},
      {"empty files list", with_files({}), "'files' is empty"},
      {"file entry not a dict", with_files({value{"a"}}), "is not a dictionary"},
      {"file without length", with_files({value::dict{{"path", value::list{"a"}}}}), "has no 'length'"},
      {"file without path", with_files({value::dict{{"length", 5}}}), "has no 'path'"},
      {"file path is a string", with_files({value::dict{{"length", 5}, {"path", "a/b"}}}), "'path' is not a list"},
      {"file path component not a string", with_path({value{1}}), "not a string"},
      // --- names and path traversal, in every form we know
      {"missing name", without_field("name"), "no 'name'"},
      {"empty name", with_name(""), "empty path component"},
      {"name is dot", with_name("."), "'.' path component"},
      {"name is dotdot", with_name(".."), "'..' path component"},
      {"name with slash", with_name("../../etc"), "separator"},
      {"absolute name", with_name("/etc/passwd"), "separator"},
      {"name with backslash", with_name("..\\..\\windows"), "separator"},
      {"name with NUL", with_name(std::string("a\0b", 3)), "NUL"},
      {"name too long", with_name(std::string(300, 'n')), "longer than 255"},
      {"empty path list", with_path({}), "empty path"},
      {"dotdot component", with_path({"..", "..", "etc", "passwd"}), "'..' path component"},
      {"dot component", with_path({".", "a"}), "'.' path component"},
      {"empty component", with_path({"a", "", "b"}), "empty path component"},
      {"absolute component", with_path({"/etc/passwd"}), "separator"},
      {"slash inside component", with_path({"a/../../b"}), "separator"},
      {"backslash traversal", with_path({"..\\..\\x"}), "separator"},
      {"NUL inside component", with_path({std::string("ok\0/../x", 8)}), "NUL"},
      {"dotdot in path.utf-8", [] {
         value info = make_info("set", {{{"a"}, 10}});
         info.as_dict()["files"].as_list()[0].as_dict()["path.utf-8"] = value::list{"..", "x"};
         return with_info(info);
       }(), "'..' path component"},
      {"dotdot in name.utf-8", [] {
         value info = make_info("x", {{{}, 10}}, 16384, false);
         info.as_dict()["name.utf-8"] = "..";
         return with_info(info);
       }(), "'..' path component"},
      {"duplicate file paths", with_files({value::dict{{"length", 5}, {"path", value::list{"a"}}},
                                           value::dict{{"length", 5}, {"path", value::list{"a"}}}}),
       "repeats the path"},
      {"file used as directory", with_files({value::dict{{"length", 5}, {"path", value::list{"a"}}},
                                             value::dict{{"length", 5}, {"path", value::list{"a", "b"}}}}),
       "as a directory"},
      {"directory used as file", with_files({value::dict{{"length", 5}, {"path", value::list{"a", "b"}}},
                                             value::dict{{"length", 5}, {"path", value::list{"a"}}}}),
       "as a directory"},
  };
  return c;
}

} // namespace actorrent::test
