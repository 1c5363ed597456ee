#include "protocol/engine/data_removal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace actorrent {

namespace {

// The folder holding `path` (all components but the last), opened without
// following a symlink at any step; -1 when a step is missing or not a folder.
int open_parent(int root, const std::vector<std::string>& path, std::size_t depth) {
  int fd = ::dup(root);
  for (std::size_t i = 0; i < depth && fd >= 0; ++i) {
    const int next = ::openat(fd, path[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(fd);
    fd = next;
  }
  return fd;
}

std::string joined(const std::vector<std::string>& path, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? "/" : "") + path[i];
  return out;
}

} // namespace

std::size_t remove_torrent_data(const std::string& download_dir, const metainfo& m, std::vector<std::string>& problems) {
  const int root = ::open(download_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) {
    if (errno != ENOENT) problems.push_back(download_dir + ": " + std::strerror(errno));
    return 0;
  }
  std::size_t removed = 0;
  // Folders by depth, deepest first, so a parent is tried after its children.
  std::set<std::pair<std::size_t, std::string>, std::greater<>> folders;
  for (const auto& f : m.files) {
    if (f.pad || f.path.empty()) continue;
    const std::size_t depth = f.path.size() - 1;
    for (std::size_t d = 1; d <= depth; ++d) folders.insert({d, joined(f.path, d)});
    const int dir = open_parent(root, f.path, depth);
    if (dir < 0) continue; // not there (or not a real folder): nothing of ours to remove
    // unlinkat removes a symlink itself, never what it points to.
    if (::unlinkat(dir, f.path.back().c_str(), 0) == 0)
      ++removed;
    else if (errno != ENOENT)
      problems.push_back(f.path_string() + ": " + std::strerror(errno));
    ::close(dir);
  }
  for (const auto& [depth, name] : folders) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t slash; (slash = name.find('/', start)) != std::string::npos; start = slash + 1)
      parts.push_back(name.substr(start, slash - start));
    parts.push_back(name.substr(start));
    const int dir = open_parent(root, parts, parts.size() - 1);
    if (dir < 0) continue;
    // Only if empty: a folder that also holds the user's own files stays.
    if (::unlinkat(dir, parts.back().c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
      problems.push_back(name + ": " + std::strerror(errno));
    ::close(dir);
  }
  ::close(root);
  return removed;
}

} // namespace actorrent
