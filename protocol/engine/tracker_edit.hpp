#pragma once
// Editing a torrent's trackers over RPC (torrent-set trackerAdd, trackerRemove,
// trackerReplace, and rpc-version 17's trackerList), as Transmission does it.
//
// Ids are what torrent-get showed: the position in the flattened list of
// tiers before this call. Replacements and removals go by those ids, then the
// added URLs follow, each in a tier of its own; a URL already present is not
// added twice; tiers left empty vanish. trackerList replaces everything: one
// URL per line, a blank line between tiers.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace actorrent {

using tracker_list = std::vector<std::vector<std::string>>; // tiers of announce URLs

// An http:// or https:// URL with a host, or a udp://HOST:PORT the UDP tracker client takes;
// no spaces or control bytes, at most 2 KiB.
bool is_tracker_url(std::string_view url);

// True when `arguments` asks for a tracker change.
bool edits_trackers(const nlohmann::json& arguments);

// Throws std::invalid_argument with a one-line reason; then nothing changed.
tracker_list edit_trackers(const tracker_list& tiers, const nlohmann::json& arguments);

} // namespace actorrent
