#include "protocol/engine/data_removal.hpp"

#include "protocol/engine/data_walk.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace actorrent {


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
    for (std::size_t d = 1; d <= depth; ++d) folders.insert({d, join_path(f.path, d)});
    const int dir = open_folder_below(root, f.path, depth);
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
    const int dir = open_folder_below(root, parts, parts.size() - 1);
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
