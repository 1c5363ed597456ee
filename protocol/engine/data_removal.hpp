#pragma once
// torrent-remove with delete-local-data: the torrent's files go, and the
// folders they leave empty. The walk opens each folder with O_NOFOLLOW from
// the download dir down, so a symlink planted in the tree (by the user or a
// hostile torrent's neighbour) cannot send an unlink outside it; a file that
// is not there is not an error.
#include <string>
#include <vector>

#include "protocol/metainfo/metainfo.hpp"

namespace actorrent {

// The files removed; `problems` gets one line per file or folder that could
// not be (permissions, a folder holding files of someone else's).
std::size_t remove_torrent_data(const std::string& download_dir, const metainfo& m, std::vector<std::string>& problems);

} // namespace actorrent
