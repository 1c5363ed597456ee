// Fuzz target: parse_metainfo never crashes, and any torrent it accepts is
// internally consistent and has only safe paths.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/metainfo/metainfo.hpp"

using namespace actorrent;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  metainfo m;
  try {
    m = parse_metainfo(in);
  } catch (const metainfo_error&) {
    return 0;
  }
  std::int64_t total = 0;
  for (const auto& f : m.files) {
    if (f.length < 0 || f.offset != total || f.path.empty()) std::abort();
    for (const auto& c : f.path)
      if (!safe_path_component(c)) std::abort();
    total += f.length;
  }
  if (total != m.total_size || total <= 0) std::abort();
  const file_map fm = m.make_file_map();
  if (fm.geometry().piece_count() != m.piece_count()) std::abort();
  // Every piece maps onto files without running past any file's end.
  const std::uint32_t last = m.piece_count() - 1;
  for (std::uint32_t p : {0u, last / 2, last})
    for (const auto& s : fm.map_piece(p))
      if (s.file_offset + s.length > m.files[s.file_index].length) std::abort();
  return 0;
}
