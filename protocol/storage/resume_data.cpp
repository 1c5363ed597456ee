#include "protocol/storage/resume_data.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "protocol/metainfo/bencode.hpp"

namespace actorrent {

namespace bc = bencode;

// Written as it goes, keys in order: a tree of values for 100,000 file
// stamps would cost tens of MB at every save.
std::string encode_resume(const resume_data& r) {
  std::string out = "d";
  const auto put = [&](std::string_view key, const bc::value& v) {
    bc::encode_to(out, bc::value(std::string(key)));
    bc::encode_to(out, v);
  };
  put("downloaded", r.downloaded);
  put("file-format", "actorrent resume");
  put("file-version", 1);
  bc::encode_to(out, bc::value(std::string("files")));
  out += 'l';
  for (const auto& f : r.files) {
    out += "li";
    out += std::to_string(f.size);
    out += "ei";
    out += std::to_string(f.mtime_ns);
    out += "ee";
  }
  out += 'e';
  put("info-hash", std::string(as_bytes(r.info_hash)));
  put("pieces", std::string(r.have.wire_bytes()));
  put("uploaded", r.uploaded);
  out += 'e';
  return out;
}

resume_data decode_resume(std::string_view bytes, const metainfo& m) {
  bc::value root;
  try {
    root = bc::decode(bytes);
  } catch (const bc::decode_error& e) {
    throw resume_error(std::string("not valid bencode: ") + e.what());
  }
  auto field = [&](const char* key) -> const bc::value& {
    const bc::value* v = root.find(key);
    if (v == nullptr) throw resume_error(std::string("missing '") + key + "'");
    return *v;
  };
  try {
    if (!root.is_dict()) throw resume_error("not a dictionary");
    if (field("file-format").as_string() != "actorrent resume") throw resume_error("not an actorrent resume file");
    if (field("file-version").as_integer() != 1) throw resume_error("unknown resume file version");
    const std::string& ih = field("info-hash").as_string();
    if (ih.size() != 20 || sha1_from_bytes(ih) != m.info_hash) throw resume_error("belongs to another torrent");
    resume_data r;
    r.info_hash = m.info_hash;
    auto have = bitfield::from_wire(field("pieces").as_string(), m.piece_count());
    if (!have) throw resume_error("piece bitfield does not match the torrent");
    r.have = std::move(*have);
    const auto& files = field("files").as_list();
    if (files.size() != m.files.size()) throw resume_error("file count does not match the torrent");
    for (const auto& f : files) {
      const auto& pair = f.as_list();
      if (pair.size() != 2) throw resume_error("malformed file entry");
      r.files.push_back({pair[0].as_integer(), pair[1].as_integer()});
    }
    r.downloaded = field("downloaded").as_integer();
    r.uploaded = field("uploaded").as_integer();
    return r;
  } catch (const bc::type_error& e) {
    throw resume_error(e.what());
  }
}

bitfield trusted_pieces(const resume_data& r, const metainfo& m, const std::vector<file_stamp>& now) {
  bitfield out = r.have;
  const file_map fm = m.make_file_map();
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    if (!m.files[i].holds_data()) continue;
    const bool same = i < now.size() && i < r.files.size() && now[i] == r.files[i] && now[i].size == m.files[i].length;
    if (same) continue;
    const auto span = fm.pieces_of_file(i);
    if (span.empty) continue;
    for (std::uint32_t p = span.first; p <= span.last; ++p) out.reset(p);
  }
  return out;
}

std::string resume_path(const std::string& download_dir, const sha1_digest& info_hash) {
  return (download_dir.empty() ? std::string(".") : download_dir) + "/.actorrent/" + to_hex(info_hash) + ".resume";
}


std::optional<std::string> load_file(const std::string& path, std::size_t max_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt; // nothing saved there (yet)
    throw storage_error("cannot open '" + path + "': " + std::strerror(errno), errno);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int code = errno;
      ::close(fd);
      throw storage_error("cannot read '" + path + "': " + std::strerror(code), code);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_size) {
      ::close(fd);
      throw storage_error("'" + path + "' is too large", EFBIG);
    }
  }
  ::close(fd);
  return out;
}

} // namespace actorrent
