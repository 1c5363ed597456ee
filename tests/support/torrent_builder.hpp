#pragma once
// Builds .torrent bytes in tests with our own encoder, so each test states
// exactly the fields it cares about.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "protocol/metainfo/bencode.hpp"

namespace actorrent::test {

struct file_spec {
  std::vector<std::string> path;
  std::int64_t length;
};

// An info dict with correct (dummy) piece hashes for the given layout.
inline bencode::value make_info(const std::string& name, const std::vector<file_spec>& files,
                                std::int64_t piece_length = 16384, bool multi = true) {
  bencode::value::dict info;
  std::int64_t total = 0;
  if (multi) {
    bencode::value::list list;
    for (const auto& f : files) {
      bencode::value::list path(f.path.begin(), f.path.end());
      list.push_back(bencode::value::dict{{"length", f.length}, {"path", std::move(path)}});
      total += f.length;
    }
    info["files"] = std::move(list);
  } else {
    total = files.at(0).length;
    info["length"] = total;
  }
  info["name"] = name;
  info["piece length"] = piece_length;
  const std::int64_t pieces = total / piece_length + (total % piece_length != 0);
  std::string hashes;
  for (std::int64_t i = 0; i < pieces; ++i) hashes += std::string(20, static_cast<char>('a' + i % 26));
  info["pieces"] = hashes;
  return info;
}

inline bencode::value make_torrent(bencode::value info,
                                   std::string announce = "http://127.0.0.1:6969/announce") {
  bencode::value::dict root;
  if (!announce.empty()) root["announce"] = std::move(announce);
  root["info"] = std::move(info);
  return root;
}

inline std::string single_file_torrent(std::int64_t length = 100000, std::int64_t piece_length = 16384) {
  return bencode::encode(make_torrent(make_info("file.bin", {{{}, length}}, piece_length, false)));
}

} // namespace actorrent::test
