#pragma once
// Text from torrents and peers is untrusted: it may hold newlines or terminal
// escape sequences. Everything we print that came from outside passes here.
#include <cstdint>
#include <string>
#include <string_view>

namespace actorrent::cli {

// Control characters become '?', so one message stays one line and cannot
// drive the terminal.
std::string printable(std::string_view text);

// "976.6 KiB", "1.00 GiB": binary units, three significant digits.
std::string human_size(std::int64_t bytes);

} // namespace actorrent::cli
