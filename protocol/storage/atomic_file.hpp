#pragma once
// Every file we keep state in (resume data, the DHT table, a magnet's
// .torrent, created torrents) is saved the same crash-safe way: written to
// PATH.tmp, fsynced, renamed over PATH, then the folder fsynced so the rename
// survives a crash too. A reader sees the old file or the new one, never half.
#include <string>
#include <string_view>

namespace actorrent {

// Creates PATH's folder (one level) if needed. Throws storage_error with errno.
void save_file_atomically(const std::string& path, std::string_view bytes);

} // namespace actorrent
