#include "protocol/metainfo/torrent_creator.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "protocol/metainfo/bencode.hpp"
#include "protocol/metainfo/metainfo.hpp"
#include "protocol/sha1.hpp"

namespace actorrent {

namespace {

[[noreturn]] void fail(const std::string& what) { throw creator_error(what); }

struct source_file {
  std::string disk_path;
  std::vector<std::string> components; // below the torrent's root
  std::int64_t size;
};

void check_name(const std::string& name, const std::string& where) {
  if (!safe_path_component(name)) fail("'" + where + "' has a name that cannot be shared safely");
}

void walk(const std::string& dir, std::vector<std::string>& prefix, std::vector<source_file>& out) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) fail("cannot read directory '" + dir + "': " + std::strerror(errno));
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end()); // byte order: reproducible torrents
  for (const auto& n : names) {
    const std::string p = dir + "/" + n;
    struct stat st{};
    if (::lstat(p.c_str(), &st) != 0) fail("cannot stat '" + p + "': " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) {
      check_name(n, p);
      prefix.push_back(n);
      walk(p, prefix, out);
      prefix.pop_back();
    } else if (S_ISREG(st.st_mode)) {
      check_name(n, p);
      auto comps = prefix;
      comps.push_back(n);
      out.push_back({p, std::move(comps), st.st_size});
    } // symlinks, sockets, devices: skipped on purpose
  }
}

std::string base_name(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string hash_pieces(const std::vector<source_file>& files, std::int64_t piece_length, std::uint32_t piece_count,
                        const creator_options& options) {
  std::string pieces;
  pieces.reserve(static_cast<std::size_t>(piece_count) * 20);
  sha1_hasher hasher;
  std::int64_t in_piece = 0;
  std::vector<char> buf(1 << 20);
  auto piece_done = [&] {
    const auto d = hasher.finish();
    pieces.append(as_bytes(d));
    in_piece = 0;
    if (options.progress) options.progress(static_cast<std::uint32_t>(pieces.size() / 20), piece_count);
  };
  for (const auto& f : files) {
    const int fd = ::open(f.disk_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) fail("cannot open '" + f.disk_path + "': " + std::strerror(errno));
    std::int64_t left = f.size;
    while (left > 0) {
      const auto want = static_cast<std::size_t>(std::min<std::int64_t>({left, static_cast<std::int64_t>(buf.size()), piece_length - in_piece}));
      const ssize_t n = ::read(fd, buf.data(), want);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fd);
        fail("'" + f.disk_path + "' changed while being read");
      }
      hasher.update(buf.data(), static_cast<std::size_t>(n));
      in_piece += n;
      left -= n;
      if (in_piece == piece_length) piece_done();
    }
    ::close(fd);
  }
  if (in_piece > 0) piece_done();
  return pieces;
}

} // namespace

std::int64_t default_piece_length(std::int64_t total_size) {
  std::int64_t pl = 16 * 1024;
  while (pl < (16LL << 20) && total_size / pl > 1500) pl *= 2;
  return pl;
}

std::string create_torrent(const creator_options& o) {
  struct stat st{};
  if (::stat(o.path.c_str(), &st) != 0) fail("cannot read '" + o.path + "': " + std::strerror(errno));
  const std::string name = base_name(o.path);
  check_name(name, o.path);
  std::vector<source_file> files;
  const bool multi = S_ISDIR(st.st_mode);
  if (multi) {
    std::vector<std::string> prefix;
    walk(o.path, prefix, files);
    if (files.empty()) fail("'" + o.path + "' holds no regular files");
  } else if (S_ISREG(st.st_mode)) {
    files.push_back({o.path, {}, st.st_size});
  } else {
    fail("'" + o.path + "' is neither a file nor a directory");
  }
  std::int64_t total = 0;
  for (const auto& f : files) total += f.size;
  if (total == 0) fail("'" + o.path + "' holds no data (total size 0)");
  const std::int64_t pl = o.piece_length > 0 ? o.piece_length : default_piece_length(total);
  if (pl < 16 * 1024 || pl > max_piece_length || (pl & (pl - 1)) != 0)
    fail("piece size must be a power of two from 16 KiB to 128 MiB");
  const auto piece_count = static_cast<std::uint32_t>(total / pl + (total % pl != 0));

  bencode::value::dict info;
  info["name"] = name;
  info["piece length"] = pl;
  info["pieces"] = hash_pieces(files, pl, piece_count, o);
  if (multi) {
    bencode::value::list list;
    for (const auto& f : files) {
      bencode::value::list path;
      for (const auto& c : f.components) path.emplace_back(c);
      bencode::value::dict entry;
      entry["length"] = f.size;
      entry["path"] = std::move(path);
      list.emplace_back(std::move(entry));
    }
    info["files"] = std::move(list);
  } else {
    info["length"] = total;
  }
  if (o.is_private) info["private"] = 1;

  bencode::value::dict root;
  if (!o.trackers.empty()) {
    root["announce"] = o.trackers.front();
    if (o.trackers.size() > 1) {
      bencode::value::list tiers;
      for (const auto& t : o.trackers) {
        bencode::value::list tier;
        tier.emplace_back(t);
        tiers.emplace_back(std::move(tier));
      }
      root["announce-list"] = std::move(tiers);
    }
  }
  if (!o.comment.empty()) root["comment"] = o.comment;
  if (!o.created_by.empty()) root["created by"] = o.created_by;
  if (o.creation_date > 0) root["creation date"] = o.creation_date;
  root["info"] = std::move(info);
  return bencode::encode(root);
}

} // namespace actorrent
