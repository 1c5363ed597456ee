#pragma once
// The loopback swarm fixture (tests/fixtures/swarm.py) as an RAII object:
// opentracker and libtorrent seeders on 127.0.0.1, stopped by PID when the
// object goes away, work directory removed.
#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace actorrent::test {

class swarm {
public:
  explicit swarm(const std::string& setup_args) : work_(dir_.path + "/swarm") {
    if (run("setup " + work_ + " " + setup_args) != 0) throw std::runtime_error("swarm setup failed: " + setup_args);
    std::ifstream in(work_ + "/swarm.json");
    meta_ = nlohmann::json::parse(in);
  }
  ~swarm() { run("teardown " + work_); }
  swarm(const swarm&) = delete;
  swarm& operator=(const swarm&) = delete;

  std::string torrent() const { return meta_["torrent"]; }
  // Torrent `i` of a --torrents N swarm (0: torrent()); every payload is named name().
  std::string torrent(std::size_t i) const { return i == 0 ? torrent() : meta_["extra_torrents"].at(i - 1)["torrent"].get<std::string>(); }
  std::size_t torrent_count() const { return 1 + meta_.value("extra_torrents", nlohmann::json::array()).size(); }
  std::string name() const { return meta_["name"]; }
  std::string tls_pem() const { return meta_.value("tls_pem", ""); }
  std::string info_hash() const { return meta_["info_hash"]; } // hex
  std::string announce() const { return meta_["announce"]; }
  // Ports of the libtorrent seeders and of the bad_peer.py ones (--hostile, --corrupt-seeders), in order.
  std::vector<int> seed_ports() const { return meta_.value("seed_ports", std::vector<int>{}); }
  std::vector<int> bad_ports() const { return meta_.value("bad_ports", std::vector<int>{}); }
  std::string work() const { return work_; }
  // The complete payload, for a seeder of our own.
  std::string source_dir() const { return work_ + "/src"; }
  // libtorrent downloads into `dir`; true when it finished within the limit.
  bool leech_with_libtorrent(const std::string& dir, int timeout_s = 120) const {
    return run("leech-libtorrent " + work_ + " " + dir + " --timeout " + std::to_string(timeout_s)) == 0;
  }
  // The same leecher as a command line, to run in the background (test::child_process).
  std::vector<std::string> libtorrent_leecher_command(const std::string& dir, int timeout_s = 120) const {
    return {ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/swarm.py", "leech-libtorrent", work_, dir, "--timeout",
            std::to_string(timeout_s)};
  }
  bool leech_with_aria2(const std::string& dir, int timeout_s = 120) const {
    return run("leech-aria2 " + work_ + " " + dir + " --timeout " + std::to_string(timeout_s)) == 0;
  }
  // A fresh, empty download directory inside the swarm's work directory.
  std::string new_download_dir(const std::string& name) const {
    const std::string d = dir_.path + "/" + name;
    std::system(("rm -rf '" + d + "' && mkdir -p '" + d + "'").c_str());
    return d;
  }
  bool verify(const std::string& download_dir, std::size_t index = 0) const {
    return run("verify " + work_ + " " + download_dir + " --index " + std::to_string(index)) == 0;
  }
  // The tracker's counts for the torrent: {"complete": seeders, "incomplete": leechers}.
  nlohmann::json scrape() const {
    const auto r = run_process({ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/swarm.py", "scrape", work_});
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json{};
  }

private:
  static int run(const std::string& args) {
    const std::string cmd = std::string(ACTORRENT_PYTHON) + " " + ACTORRENT_FIXTURES + "/swarm.py " + args + " > /dev/null";
    return std::system(cmd.c_str());
  }
  temp_dir dir_;
  std::string work_;
  nlohmann::json meta_;
};

// The JSON lines a fake tracker of `kind` (swarm.py --tiers) logged, one per request it got.
inline std::vector<nlohmann::json> fake_tracker_log(const swarm& s, const std::string& kind) {
  std::vector<nlohmann::json> out;
  DIR* d = ::opendir(s.work().c_str());
  while (dirent* e = d ? ::readdir(d) : nullptr) {
    const std::string name = e->d_name;
    if (name.rfind(kind, 0) != 0 || name.size() < 4 || name.substr(name.size() - 4) != ".log") continue;
    std::ifstream in(s.work() + "/" + name);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  if (d) ::closedir(d);
  return out;
}

} // namespace actorrent::test
