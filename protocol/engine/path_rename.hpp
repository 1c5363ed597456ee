#pragma once
// torrent-rename-path, as Transmission's tr_torrentRenamePath does it: one
// file or folder of a torrent (its top folder or single file included, which
// renames the torrent) gets a new name in the same folder; the info-hash is
// untouched. The new paths are kept in the torrent's record and laid over the
// metainfo's wherever it is loaded.
#include <string>
#include <vector>

#include "protocol/metainfo/metainfo.hpp"

namespace actorrent {

struct path_rename {
  std::vector<std::string> from; // the renamed entry, components below the download dir
  std::string new_name;
  std::vector<std::vector<std::string>> paths; // every file's path afterwards
};

// `old_path` is as torrent-get's files[].name shows it ("name/dir/file").
// Throws std::invalid_argument with a one-line reason: an unknown path, a name
// that is not one safe path component, or one another file already has.
path_rename plan_rename(const std::vector<std::vector<std::string>>& paths, const std::string& old_path,
                        const std::string& new_name);

// Renames the entry on disk if it is there (a file not yet downloaded is
// not), walking down with O_NOFOLLOW and never replacing what exists.
// Returns the error in one line, empty on success.
std::string rename_on_disk(const std::string& download_dir, const path_rename& r);

// Every file's path joined with '/' (what a record keeps), and back onto a
// metainfo: false (and `m` untouched) unless there is one safe path per file.
std::vector<std::string> joined_paths(const std::vector<std::vector<std::string>>& paths);
bool lay_paths_over(metainfo& m, const std::vector<std::string>& joined);

} // namespace actorrent
