#include "protocol/storage/file_selection.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "protocol/storage/piece_geometry.hpp"

namespace actorrent {

bool file_selection::everything() const {
  return std::all_of(wanted.begin(), wanted.end(), [](bool w) { return w; }) &&
         std::all_of(priorities.begin(), priorities.end(), [](int p) { return p == normal_priority; });
}

bool piece_selection::done(const bitfield& have) const {
  if (everything) return have.all();
  if (have.size() != wanted.size()) return false;
  return !wanted.has_any_missing_from(have);
}

bool piece_selection::interesting(const bitfield& theirs, const bitfield& ours) const {
  if (everything) return theirs.has_any_missing_from(ours);
  for (std::uint32_t p = 0; p < theirs.size(); ++p)
    if (theirs.test(p) && !ours.test(p) && wants(p)) return true;
  return false;
}

piece_selection select_pieces(const metainfo& m, const file_selection& s) {
  piece_selection out;
  const std::uint32_t pieces = m.piece_count();
  const piece_geometry geometry(m.total_size, m.piece_length);
  out.everything = s.everything();
  out.wanted = bitfield(pieces, out.everything);
  if (out.everything) {
    out.wanted_bytes = m.total_size;
    return out;
  }
  out.rank.assign(pieces, 0);
  if (m.piece_length <= 0) return out;
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const auto& f = m.files[i];
    if (!s.wants(i) || !f.holds_data() || f.length <= 0) continue;
    const auto rank = static_cast<std::uint8_t>(std::clamp(s.priority(i), low_priority, high_priority) + 2);
    const auto first = static_cast<std::uint64_t>(f.offset / m.piece_length);
    const auto last = static_cast<std::uint64_t>((f.offset + f.length - 1) / m.piece_length);
    for (std::uint64_t p = first; p <= last && p < pieces; ++p) {
      out.rank[p] = std::max(out.rank[p], rank);
      out.wanted.set(static_cast<std::size_t>(p));
    }
  }
  for (std::uint32_t p = 0; p < pieces; ++p)
    if (out.wanted.test(p)) out.wanted_bytes += geometry.piece_size(p);
  return out;
}

namespace {

std::size_t file_number(std::string_view text, std::size_t file_count) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw std::invalid_argument("'" + std::string(text.substr(0, 40)) + "' is not a file number");
  if (n < 1 || n > file_count)
    throw std::invalid_argument("file " + std::string(text) + " does not exist (the torrent has " +
                                std::to_string(file_count) + (file_count == 1 ? " file)" : " files)"));
  return n - 1;
}

} // namespace

std::vector<std::size_t> parse_file_list(std::string_view text, std::size_t file_count) {
  std::vector<bool> chosen(file_count, false);
  if (text.empty()) throw std::invalid_argument("an empty file list");
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto dash = item.find('-');
    const std::size_t from = file_number(item.substr(0, dash), file_count);
    const std::size_t to = dash == std::string_view::npos ? from : file_number(item.substr(dash + 1), file_count);
    if (to < from) throw std::invalid_argument("the range '" + std::string(item) + "' runs backwards");
    for (std::size_t i = from; i <= to; ++i) chosen[i] = true;
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < file_count; ++i)
    if (chosen[i]) out.push_back(i);
  return out;
}

file_selection selection_from_lists(const std::string& only, const std::string& skip, const metainfo& m) {
  file_selection s;
  if (only.empty() && skip.empty()) return s;
  std::vector<std::size_t> listed; // the files `actorrent show` lists: all but BEP 47 pad files
  for (std::size_t i = 0; i < m.files.size(); ++i)
    if (!m.files[i].pad) listed.push_back(i);
  s.wanted.assign(m.files.size(), only.empty());
  if (!only.empty())
    for (auto n : parse_file_list(only, listed.size())) s.wanted[listed[n]] = true;
  if (!skip.empty())
    for (auto n : parse_file_list(skip, listed.size())) s.wanted[listed[n]] = false;
  return s;
}

} // namespace actorrent
