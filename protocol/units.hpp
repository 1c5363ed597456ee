#pragma once
// Sizes for people: "976.6 KiB", "1.00 GiB" (binary units, three significant
// digits). Shared by the command line and the progress reporter.
#include <cstdint>
#include <string>

namespace actorrent {

std::string human_size(std::int64_t bytes);

} // namespace actorrent
