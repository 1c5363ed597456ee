#pragma once
// Walking a torrent's files below the download dir without following a
// symlink at any step: what removing and renaming data share.
#include <cstddef>
#include <string>
#include <vector>

namespace actorrent {

// The folder holding path[depth] (the first `depth` components opened from
// `root`, each with O_NOFOLLOW); -1 when a step is missing or not a folder.
// The caller closes it.
int open_folder_below(int root, const std::vector<std::string>& path, std::size_t depth);

// The first `n` components joined with '/'.
std::string join_path(const std::vector<std::string>& path, std::size_t n);

} // namespace actorrent
