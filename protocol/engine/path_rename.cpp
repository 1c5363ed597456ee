#include "protocol/engine/path_rename.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "protocol/engine/data_walk.hpp"

namespace actorrent {

namespace {

std::vector<std::string> split_path(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = joined.find('/', start);
    out.push_back(joined.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) return out;
    start = slash + 1;
  }
}

bool starts_with(const std::vector<std::string>& path, const std::vector<std::string>& prefix) {
  if (prefix.size() > path.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (path[i] != prefix[i]) return false;
  return true;
}

} // namespace

path_rename plan_rename(const std::vector<std::vector<std::string>>& paths, const std::string& old_path,
                        const std::string& new_name) {
  if (!safe_path_component(new_name)) throw std::invalid_argument("the new name must be one path component (no '/', not '.' or '..')");
  path_rename r;
  r.from = split_path(old_path);
  for (const auto& c : r.from)
    if (!safe_path_component(c)) throw std::invalid_argument("no such file or folder in the torrent: " + old_path.substr(0, 200));
  r.new_name = new_name;
  r.paths = paths;
  bool found = false;
  for (auto& p : r.paths)
    if (starts_with(p, r.from)) {
      p[r.from.size() - 1] = new_name;
      found = true;
    }
  if (!found) throw std::invalid_argument("no such file or folder in the torrent: " + old_path.substr(0, 200));
  // The new entry must not meet another file: neither the same path nor a
  // file where the renamed one is a folder (or the other way round).
  auto to = r.from;
  to.back() = new_name;
  if (to != r.from)
    for (const auto& p : paths)
      if (!starts_with(p, r.from) && (starts_with(p, to) || starts_with(to, p)))
        throw std::invalid_argument("the torrent already has a file or folder named " + join_path(to, to.size()).substr(0, 200));
  return r;
}

std::string rename_on_disk(const std::string& download_dir, const path_rename& r) {
  if (r.from.empty() || r.from.back() == r.new_name) return {};
  const int root = ::open(download_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return errno == ENOENT ? std::string() : download_dir + ": " + std::strerror(errno);
  const int dir = open_folder_below(root, r.from, r.from.size() - 1);
  ::close(root);
  if (dir < 0) return {}; // its folder is not there: nothing on disk yet
  std::string error;
  // RENAME_NOREPLACE: a file someone else put there is never overwritten.
  constexpr unsigned rename_noreplace = 1;
  if (::syscall(SYS_renameat2, dir, r.from.back().c_str(), dir, r.new_name.c_str(), rename_noreplace) != 0 && errno != ENOENT)
    error = "cannot rename " + join_path(r.from, r.from.size()) + " to " + r.new_name + ": " + std::strerror(errno);
  ::close(dir);
  return error;
}

std::vector<std::string> joined_paths(const std::vector<std::vector<std::string>>& paths) {
  std::vector<std::string> out;
  out.reserve(paths.size());
  for (const auto& p : paths) out.push_back(join_path(p, p.size()));
  return out;
}

bool lay_paths_over(metainfo& m, const std::vector<std::string>& joined) {
  if (joined.size() != m.files.size()) return false;
  std::vector<std::vector<std::string>> paths;
  paths.reserve(joined.size());
  for (const auto& j : joined) {
    auto p = split_path(j);
    for (const auto& c : p)
      if (!safe_path_component(c)) return false;
    paths.push_back(std::move(p));
  }
  // One top-level entry, as every torrent has (its folder or its one file).
  for (const auto& p : paths)
    if (p.front() != paths.front().front()) return false;
  for (std::size_t i = 0; i < paths.size(); ++i) m.files[i].path = std::move(paths[i]);
  if (!m.files.empty()) m.name = m.files.front().path.front();
  return true;
}

} // namespace actorrent
