#include "main/create_command.hpp"

#include <ctime>

#include <fmt/format.h>

#include "main/terminal_text.hpp"
#include "protocol/metainfo/metainfo.hpp"
#include "protocol/storage/resume_data.hpp"

namespace actorrent::cli {

int run_create(create_options options) {
  auto& c = options.creator;
  c.piece_length = static_cast<std::int64_t>(options.piece_kib) * 1024;
  c.created_by = "actorrent/" ACTORRENT_VERSION;
  c.creation_date = static_cast<std::int64_t>(std::time(nullptr));
  std::string bytes;
  try {
    bytes = create_torrent(c);
  } catch (const creator_error& e) {
    fmt::print(stderr, "actorrent: cannot create a torrent: {}\n", printable(e.what()));
    return 2;
  }
  try {
    save_file_atomically(options.output, bytes);
  } catch (const storage_error& e) {
    fmt::print(stderr, "actorrent: {}\n", printable(e.what()));
    return 1;
  }
  const metainfo m = parse_metainfo(bytes);
  fmt::print("{}: {} ({} in {} pieces of {}), info-hash {}\n", printable(options.output), printable(m.name),
             human_size(m.total_size), m.piece_count(), human_size(m.piece_length), to_hex(m.info_hash));
  return 0;
}

} // namespace actorrent::cli
