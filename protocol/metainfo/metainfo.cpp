#include "protocol/metainfo/metainfo.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

#include "protocol/metainfo/bencode.hpp"

namespace actorrent {

namespace bc = bencode;

std::string torrent_file::path_string() const {
  std::string out;
  for (const auto& c : path) {
    if (!out.empty()) out.push_back('/');
    out += c;
  }
  return out;
}

file_map metainfo::make_file_map() const {
  std::vector<std::int64_t> sizes;
  sizes.reserve(files.size());
  for (const auto& f : files) sizes.push_back(f.length);
  return file_map(std::move(sizes), piece_length);
}

std::vector<std::string> metainfo::trackers() const {
  std::vector<std::string> out;
  for (const auto& tier : tracker_tiers)
    for (const auto& url : tier)
      if (std::find(out.begin(), out.end(), url) == out.end()) out.push_back(url);
  return out;
}

bool safe_path_component(std::string_view c) {
  if (c.empty() || c == "." || c == ".." || c.size() > max_path_component) return false;
  return c.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

namespace {

[[noreturn]] void fail(const std::string& reason) { throw metainfo_error(reason); }

// Returns the value under key if it has the wanted type; absent → nullptr;
// present with the wrong type → error, because a silently ignored field could
// change the meaning of the torrent.
const bc::value* get_typed(const bc::value& d, std::string_view key, bool required,
                           bool (bc::value::*is_type)() const noexcept, const char* type_name) {
  const bc::value* v = d.find(key);
  if (v == nullptr) {
    if (required) fail("missing '" + std::string(key) + "'");
    return nullptr;
  }
  if (!(v->*is_type)()) fail("'" + std::string(key) + "' is not " + type_name);
  return v;
}

const bc::value* get_integer(const bc::value& d, std::string_view key, bool required) {
  return get_typed(d, key, required, &bc::value::is_integer, "an integer");
}

const bc::value* get_string(const bc::value& d, std::string_view key, bool required) {
  return get_typed(d, key, required, &bc::value::is_string, "a byte string");
}

// Optional descriptive strings: a wrong type there is ignored, as other clients do.
std::string optional_text(const bc::value& d, std::string_view key) {
  const bc::value* v = d.find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

void check_component(const std::string& c, const std::string& where) {
  if (c.empty()) fail(where + " has an empty path component");
  if (c == "." || c == "..") fail(where + " has a '" + c + "' path component");
  if (c.find('\0') != std::string::npos) fail(where + " has a NUL byte in a path component");
  if (c.find('/') != std::string::npos || c.find('\\') != std::string::npos)
    fail(where + " has a path separator inside a component");
  if (c.size() > max_path_component)
    fail(where + " has a path component longer than 255 bytes");
}

// BEP 3 leaves the encoding open; 'name.utf-8' / 'path.utf-8' are preferred when present.
const bc::value* utf8_or_plain(const bc::value& d, std::string_view key) {
  const bc::value* v = d.find(std::string(key) + ".utf-8");
  return v != nullptr ? v : d.find(key);
}

std::vector<std::string> parse_path(const bc::value& file, std::size_t index) {
  const std::string where = "file #" + std::to_string(index + 1);
  const bc::value* p = utf8_or_plain(file, "path");
  if (p == nullptr) fail(where + " has no 'path'");
  if (!p->is_list()) fail(where + " 'path' is not a list");
  if (p->as_list().empty()) fail(where + " has an empty path");
  std::vector<std::string> out;
  for (const auto& c : p->as_list()) {
    if (!c.is_string()) fail(where + " has a path component that is not a string");
    check_component(c.as_string(), where);
    out.push_back(c.as_string());
  }
  return out;
}

// BEP 47 'attr': letters p (pad), l (symlink), x (executable), h (hidden); others ignored.
bool has_attr(const bc::value& file, char letter) {
  const bc::value* a = file.find("attr");
  return a != nullptr && a->is_string() && a->as_string().find(letter) != std::string::npos;
}

// Trackers' and web seeds' URLs as people paste them: surrounding blanks dropped.
std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::int64_t checked_length(const bc::value& v, const std::string& where) {
  const auto len = v.as_integer();
  if (len < 0) fail(where + " has a negative length");
  return len;
}

void add_size(std::int64_t& total, std::int64_t n) {
  // Cap well below int64 so offset arithmetic elsewhere never overflows.
  constexpr std::int64_t limit = std::int64_t{1} << 52;
  if (n > limit - total) fail("total size is absurdly large (over 4 PiB)");
  total += n;
}

void parse_files(const bc::value& info, metainfo& m) {
  const bc::value* files = info.find("files");
  const bc::value* length = info.find("length");
  if (files != nullptr && length != nullptr) fail("info has both 'length' and 'files'");
  if (files == nullptr && length == nullptr) fail("info has neither 'length' nor 'files'");

  if (length != nullptr) {
    if (!length->is_integer()) fail("'length' is not an integer");
    torrent_file f;
    f.path = {m.name};
    f.length = checked_length(*length, "the torrent");
    add_size(m.total_size, f.length);
    m.files.push_back(std::move(f));
    return;
  }

  if (!files->is_list()) fail("'files' is not a list");
  if (files->as_list().empty()) fail("'files' is empty");
  m.multi_file = true;
  std::set<std::string> seen_files, seen_dirs;
  std::size_t index = 0;
  for (const auto& entry : files->as_list()) {
    const std::string where = "file #" + std::to_string(index + 1);
    if (!entry.is_dict()) fail(where + " is not a dictionary");
    torrent_file f;
    f.pad = has_attr(entry, 'p');
    f.symlink = has_attr(entry, 'l');
    f.executable = has_attr(entry, 'x');
    f.hidden = has_attr(entry, 'h');
    const bc::value* len = entry.find("length");
    // BEP 47: a symlink's length is meaningless (and may be absent); it holds no payload.
    if (len == nullptr && !f.symlink) fail(where + " has no 'length'");
    if (len != nullptr && !len->is_integer()) fail(where + " 'length' is not an integer");
    f.path.push_back(m.name);
    if (f.pad && utf8_or_plain(entry, "path") == nullptr) {
      // Pad files need no name (libtorrent takes them without): give one that cannot clash.
      f.path.push_back(".pad");
      f.path.push_back(std::to_string(index));
    } else {
      for (auto& c : parse_path(entry, index)) f.path.push_back(std::move(c));
    }
    if (f.symlink) {
      if (const bc::value* target = entry.find("symlink path"); target != nullptr && target->is_list())
        for (const auto& c : target->as_list()) {
          if (!c.is_string()) fail(where + " has a symlink path component that is not a string");
          check_component(c.as_string(), where + "'s symlink path");
          f.symlink_target.push_back(c.as_string());
        }
    } else {
      f.length = checked_length(*len, where);
    }
    f.offset = m.total_size;
    add_size(m.total_size, f.length);
    // Two files at one path, or a file where another needs a directory, would
    // overwrite each other's data.
    std::string prefix;
    for (std::size_t i = 0; i + 1 < f.path.size(); ++i) {
      prefix += (i ? "/" : "") + f.path[i];
      if (seen_files.count(prefix)) fail(where + " needs '" + prefix + "' as a directory, but it is a file");
      seen_dirs.insert(prefix);
    }
    const std::string full = f.path_string();
    if (!seen_files.insert(full).second) fail(where + " repeats the path '" + full + "'");
    if (seen_dirs.count(full)) fail(where + " is a file at '" + full + "', which another file needs as a directory");
    m.files.push_back(std::move(f));
    ++index;
  }
}

void parse_info(const bc::value& info, metainfo& m) {
  if (!info.is_dict()) fail("'info' is not a dictionary");

  const bc::value* name = utf8_or_plain(info, "name");
  if (name == nullptr) fail("info has no 'name'");
  if (!name->is_string()) fail("'name' is not a byte string");
  m.name = name->as_string();
  check_component(m.name, "the torrent name");

  m.piece_length = get_integer(info, "piece length", true)->as_integer();
  if (m.piece_length <= 0) fail("'piece length' must be positive");
  if (m.piece_length > max_piece_length) fail("'piece length' is over 128 MiB");

  const std::string& pieces = get_string(info, "pieces", true)->as_string();
  if (pieces.size() % 20 != 0) fail("'pieces' length is not a multiple of 20");

  if (const bc::value* p = get_integer(info, "private", false)) m.is_private = p->as_integer() == 1;

  parse_files(info, m);
  if (m.total_size == 0) fail("the torrent holds no data (total size 0)");

  const std::int64_t expected = m.total_size / m.piece_length + (m.total_size % m.piece_length != 0);
  if (expected > 0x7fffffff) fail("more than 2^31-1 pieces");
  if (static_cast<std::int64_t>(pieces.size() / 20) != expected)
    fail("'pieces' holds " + std::to_string(pieces.size() / 20) + " hashes but " +
         std::to_string(m.total_size) + " bytes in pieces of " + std::to_string(m.piece_length) +
         " need " + std::to_string(expected));
  m.piece_hashes.resize(pieces.size() / 20);
  for (std::size_t i = 0; i < m.piece_hashes.size(); ++i)
    std::memcpy(m.piece_hashes[i].data(), pieces.data() + 20 * i, 20);

  m.info_bytes = std::string(info.raw());
  m.info_hash = sha1(info.raw());
}

void parse_trackers(const bc::value& root, metainfo& m) {
  // Malformed tracker entries are skipped, not fatal: the torrent's data is intact
  // and other trackers (or peers given by hand) may still work.
  if (const bc::value* list = root.find("announce-list"); list != nullptr && list->is_list()) {
    for (const auto& tier : list->as_list()) {
      if (!tier.is_list()) continue;
      std::vector<std::string> urls;
      for (const auto& url : tier.as_list())
        if (url.is_string() && !trimmed(url.as_string()).empty()) urls.push_back(trimmed(url.as_string()));
      if (!urls.empty()) m.tracker_tiers.push_back(std::move(urls));
    }
  }
  // BEP 12: announce-list, when present, replaces announce.
  if (m.tracker_tiers.empty()) {
    std::string announce = trimmed(optional_text(root, "announce"));
    if (!announce.empty()) m.tracker_tiers.push_back({std::move(announce)});
  }
  if (const bc::value* ws = root.find("url-list")) {
    if (ws->is_string() && !trimmed(ws->as_string()).empty()) m.web_seeds.push_back(trimmed(ws->as_string()));
    if (ws->is_list())
      for (const auto& url : ws->as_list())
        if (url.is_string() && !trimmed(url.as_string()).empty()) m.web_seeds.push_back(trimmed(url.as_string()));
  }
}

bc::value decode_torrent(std::string_view bytes) {
  // Lenient: some real torrents have unsorted keys. The info-hash comes from
  // the raw bytes, so leniency never changes it.
  bc::decode_options opt;
  opt.mode = bc::mode::lenient;
  try {
    return bc::decode(bytes, opt);
  } catch (const bc::decode_error& e) {
    throw metainfo_error(std::string("not valid bencode: ") + e.what());
  }
}

} // namespace

metainfo parse_info_dict(std::string_view info_bytes) {
  if (static_cast<std::int64_t>(info_bytes.size()) > max_torrent_file_size)
    fail("info dictionary over 64 MiB");
  bc::value info = decode_torrent(info_bytes);
  metainfo m;
  try {
    parse_info(info, m);
  } catch (const bc::type_error& e) {
    fail(e.what());
  }
  return m;
}

metainfo parse_metainfo(std::string_view bytes) {
  if (static_cast<std::int64_t>(bytes.size()) > max_torrent_file_size) fail("file over 64 MiB");
  // Editors and downloads leave a newline (or CR LF) after the dictionary;
  // libtorrent loads such files, so do we. Any other trailing byte is an error.
  while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r' || bytes.back() == ' ' || bytes.back() == '\t'))
    bytes.remove_suffix(1);
  if (bytes.empty()) fail("empty file");
  bc::value root = decode_torrent(bytes);
  if (!root.is_dict()) fail("top level is not a dictionary");
  const bc::value* info = root.find("info");
  if (info == nullptr) fail("no 'info' dictionary");
  metainfo m;
  try {
    parse_info(*info, m);
    parse_trackers(root, m);
  } catch (const bc::type_error& e) {
    fail(e.what());
  }
  m.comment = optional_text(root, "comment");
  m.created_by = optional_text(root, "created by");
  if (const bc::value* d = root.find("creation date"); d != nullptr && d->is_integer())
    m.creation_date = d->as_integer();
  return m;
}

metainfo load_metainfo(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open '" + path + "': " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::int64_t>(in.tellg());
  if (size < 0) fail("cannot read '" + path + "' (not a regular file?)");
  if (size > max_torrent_file_size) fail("'" + path + "' is over 64 MiB: not a torrent file");
  in.seekg(0);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), size)) fail("cannot read '" + path + "'");
  return parse_metainfo(bytes);
}

} // namespace actorrent
