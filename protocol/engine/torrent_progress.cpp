#include "protocol/engine/torrent_progress.hpp"

#include <algorithm>

namespace actorrent {

torrent_progress progress_of(const metainfo& m, const bitfield& have, const std::vector<bool>& wanted) {
  torrent_progress out;
  out.file_done.assign(m.files.size(), 0);
  const bool usable = have.size() == m.piece_count() && m.piece_length > 0;
  const auto geometry = piece_geometry(m.total_size, m.piece_length);
  if (usable)
    for (std::uint32_t p = 0; p < have.size(); ++p)
      if (have.test(p)) out.have_bytes += geometry.piece_size(p);
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const auto& f = m.files[i];
    std::int64_t done = 0;
    if (usable && f.length > 0) {
      const auto first = static_cast<std::uint32_t>(f.offset / m.piece_length);
      const auto last = static_cast<std::uint32_t>((f.offset + f.length - 1) / m.piece_length);
      for (std::uint32_t p = first; p <= last && p < have.size(); ++p) {
        if (!have.test(p)) continue;
        const std::int64_t begin = std::max(f.offset, geometry.piece_offset(p));
        const std::int64_t end = std::min(f.offset + f.length, geometry.piece_offset(p) + geometry.piece_size(p));
        if (end > begin) done += end - begin;
      }
    }
    out.file_done[i] = done;
    const bool want = i >= wanted.size() || wanted[i];
    if (want && !f.pad) {
      out.wanted_bytes += f.length;
      out.wanted_left += f.length - done;
    }
  }
  return out;
}

} // namespace actorrent
