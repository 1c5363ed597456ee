#pragma once
// Text from torrents and peers is untrusted: it may hold newlines or terminal
// escape sequences. Everything we print that came from outside passes here.
#include <cstdint>
#include <string>
#include <optional>
#include <string_view>

#include "protocol/metainfo/metainfo.hpp"
#include "protocol/units.hpp"

namespace actorrent::cli {

// Control characters become '?', so one message stays one line and cannot
// drive the terminal.
std::string printable(std::string_view text);


// Loads a .torrent for a command; on failure prints the one-line error
// ("actorrent: bad torrent 'PATH': REASON") and returns nothing (exit code 2).
std::optional<metainfo> load_torrent_or_report(const std::string& path);

} // namespace actorrent::cli
