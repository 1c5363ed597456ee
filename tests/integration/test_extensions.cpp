// The extensions modern swarms use, against real libtorrent peers and a raw
// wire probe (tests/fixtures/wire_probe.py): BEP 6 fast, BEP 9 metadata,
// BEP 10 extension handshake, BEP 11 peer exchange.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "tests/support/actorrent_runs.hpp"
#include "protocol/tracker/tracker_codec.hpp"
#include "tests/support/process.hpp"

using namespace actorrent;
using namespace std::chrono_literals;
using test::run_actorrent;

namespace {

nlohmann::json probe(const test::swarm& s, std::uint16_t port, const std::string& mode) {
  return test::run_fixture("wire_probe.py", {s.torrent(), std::to_string(port), mode});
}


// A hex info-hash in base32 (RFC 4648), the other form magnet links use.
std::string base32_of_hex(const std::string& hex) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint64_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    buffer = (buffer << 8) | std::stoul(hex.substr(i, 2), nullptr, 16);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(alphabet[(buffer >> bits) & 31]);
    }
  }
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(extensions)

BOOST_AUTO_TEST_CASE(libtorrent_gets_metadata_and_data_from_an_actorrent_seeder_by_magnet) {
  test::swarm s("--size-kib 8192 --seeders 0");
  const auto port = test::free_port();
  auto seeder = test::start_seeder(s, port);
  const auto dir = s.new_download_dir("lt");
  // The magnet names only the info-hash and our seeder: libtorrent must get the
  // info dictionary from us (BEP 9), then every piece.
  const auto j = test::run_fixture("swarm.py", {"leech-libtorrent", s.work(), dir, "--timeout", "60", "--magnet-peer",
                                   "127.0.0.1:" + std::to_string(port)});
  BOOST_TEST(j["metadata_seconds"].get<double>() < 30.0);
  BOOST_TEST(s.verify(dir));
  test::stop_seeder(*seeder);
}

BOOST_AUTO_TEST_CASE(seeder_speaks_fast_extension_and_extension_protocol) {
  test::swarm s("--size-kib 4096 --piece-kib 256 --seeders 0");
  const auto port = test::free_port();
  auto seeder = test::start_seeder(s, port);
  const auto j = probe(s, port, "fast");
  BOOST_TEST_INFO(j.dump());
  BOOST_TEST(j["fast_bit"] == true);
  BOOST_TEST(j["ext_bit"] == true);
  BOOST_TEST(j["first_message"] == 14); // have-all: it seeds, and we both speak BEP 6
  BOOST_TEST(j["allowed_fast"].size() == 10u);
  // BEP 10 handshake: our ids, listen port, queue depth, client, the probe's address.
  BOOST_TEST(j["ext_m"]["ut_metadata"] == 2);
  BOOST_TEST(j["ext_m"]["ut_pex"] == 1);
  BOOST_TEST(j["ext"]["p"] == port);
  BOOST_TEST(j["ext"]["reqq"] == 2000);
  BOOST_TEST(j["ext_v"].get<std::string>().rfind("actorrent ", 0) == 0u);
  BOOST_TEST(j["ext_yourip"] == nlohmann::json::array({127, 0, 0, 1}));
  // Choked and not interested: outside the allowed-fast set a reject, inside it the block.
  BOOST_TEST(j["reject"] == nlohmann::json::array({j["outside"], 0, 16384}));
  BOOST_TEST(j["piece"] == nlohmann::json::array({j["allowed_fast"][0], 0, 16384}));
  // BEP 9: the info dictionary piece by piece, hashing to the info-hash; past the end, a reject.
  BOOST_TEST(j["metadata_ok"] == true);
  BOOST_TEST(j["metadata_reject"] == true);
  test::stop_seeder(*seeder);
}

BOOST_AUTO_TEST_CASE(hostile_extension_messages_drop_the_peer) {
  // 64 pieces: more than the 10 of the allowed-fast set, so the probe has a piece outside it.
  test::swarm s("--size-kib 4096 --piece-kib 64 --seeders 0");
  const auto port = test::free_port();
  auto seeder = test::start_seeder(s, port);
  // A malformed extension handshake, a ut_pex of 400 peers, an extended
  // message from a peer that never set the extension bit.
  for (const char* mode : {"bad-ext", "huge-pex", "no-bit"}) BOOST_TEST(probe(s, port, mode)["closed"] == true, mode);
  // The seeder is still fine and serving.
  BOOST_TEST(probe(s, port, "fast")["metadata_ok"] == true);
  test::stop_seeder(*seeder);
}

BOOST_AUTO_TEST_CASE(downloads_from_libtorrent_with_the_fast_extension) {
  test::swarm s("--size-kib 8192 --seeders 2");
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0", "-v"});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  // libtorrent seeders announce themselves with have-all once both sides speak BEP 6.
  BOOST_TEST(r.err.find("fast extension, extension protocol") != std::string::npos);
  BOOST_TEST(r.err.find("has every piece (have-all)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(learns_a_seeder_through_libtorrent_pex) {
  // The tracker knows only A, a libtorrent peer with nothing (and in upload
  // mode, so it stays so); A is connected to the seeder B, which no tracker
  // knows. Finishing at all means B was found, and only A's ut_pex names it.
  test::swarm s("--size-kib 8192 --seeders 0");
  const auto pair = test::run_fixture("swarm.py", {"pex-pair", s.work()});
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0", "-v"}, 90s);
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  BOOST_TEST(r.err.find("peer exchange: ") != std::string::npos);
  BOOST_TEST(r.err.find("connected to 127.0.0.1:" + std::to_string(pair["b"].get<int>())) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(magnet_download_from_libtorrent_seeders) {
  // 2048 pieces of 16 KiB: an info dictionary of ~41 KiB, fetched in 3 pieces from 2 seeders.
  test::swarm s("--size-kib 32768 --files 5 --piece-kib 16 --seeders 2");
  const auto dir = s.new_download_dir("dl");
  // Base32 hash, the tracker percent-encoded, a display name: as links in the wild are.
  const std::string magnet = "magnet:?xt=urn:btih:" + base32_of_hex(s.info_hash()) + "&dn=ignored%20name&tr=" +
                             url_encode(s.announce());
  const auto r = run_actorrent({magnet, "-d", dir, "-p", "0"});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  BOOST_TEST(r.err.find("metadata received and verified") != std::string::npos);
  BOOST_TEST(r.err.find("in 3 pieces") != std::string::npos, r.err);
  // The fetched metadata is kept as DIR/NAME.torrent, the same torrent as the original.
  const auto shown = test::run_process({test::binary, "show", "--json", dir + "/" + s.name() + ".torrent"});
  BOOST_REQUIRE(shown.exit_code == 0);
  BOOST_TEST(nlohmann::json::parse(shown.out)["info_hash"] == s.info_hash());
}

BOOST_AUTO_TEST_CASE(magnet_only_saves_the_torrent_and_exits) {
  test::swarm s("--size-kib 4096 --seeders 1");
  const auto dir = s.new_download_dir("dl");
  // No tracker: the one peer named by x.pe serves the metadata.
  const std::string magnet = "magnet:?xt=urn:btih:" + s.info_hash() + "&x.pe=127.0.0.1:" + std::to_string(s.seed_ports().at(0));
  const auto r = test::run_process({test::binary, "--magnet-only", "--no-dht", "-d", dir, "-p", "0", magnet});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  const auto shown = test::run_process({test::binary, "show", "--json", dir + "/" + s.name() + ".torrent"});
  BOOST_REQUIRE(shown.exit_code == 0);
  BOOST_TEST(nlohmann::json::parse(shown.out)["info_hash"] == s.info_hash());
  BOOST_TEST(!std::ifstream(dir + "/" + s.name()).good()); // no payload fetched
  // Bad links and flags: one line, exit 2.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{test::binary, "magnet:?xt=urn:btih:1234"},
        std::vector<std::string>{test::binary, "--magnet-only", s.torrent()}}) {
    const auto e = test::run_process(bad);
    BOOST_TEST(e.exit_code == 2, e.err);
    BOOST_TEST(std::count(e.err.begin(), e.err.end(), '\n') == 1, e.err);
  }
}

BOOST_AUTO_TEST_CASE(hostile_metadata_is_refused) {
  // One peer forges the metadata (right size, one byte changed), the other
  // sends pieces whose total size is not the one it announced.
  test::swarm s("--size-kib 4096 --seeders 1 --hostile metadata-forged --hostile metadata-wrong-size");
  const auto dir = s.new_download_dir("dl");
  std::string liars = "magnet:?xt=urn:btih:" + s.info_hash();
  for (int port : s.bad_ports()) liars += "&x.pe=127.0.0.1:" + std::to_string(port);
  {
    // With only the liars, nothing is accepted: both are banned, nothing is saved.
    test::child_process p({test::binary, "--magnet-only", "--no-dht", "-d", dir, "-p", "0", liars});
    BOOST_TEST(p.wait_for_stderr({"banned: its metadata does not match the info-hash", "banned: metadata piece of the wrong size"}, 30s));
    p.signal(SIGINT);
    BOOST_TEST(p.wait(10s).value_or(-2) == 130);
    const std::string err = p.stderr_text();
    BOOST_TEST(err.find("banned: its metadata does not match the info-hash") != std::string::npos, err);
    BOOST_TEST(err.find("banned: metadata piece of the wrong size") != std::string::npos, err);
    BOOST_TEST(!std::ifstream(dir + "/" + s.name() + ".torrent").good());
  }
  // With an honest libtorrent seeder among them, the download completes.
  const auto r = run_actorrent({liars + "&x.pe=127.0.0.1:" + std::to_string(s.seed_ports().at(0)), "-d", dir, "-p", "0"});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
}

BOOST_AUTO_TEST_CASE(ipv6_peers_from_peers6_and_from_a_udp_tracker_on_ipv6) {
  // A libtorrent seeder on [::1] only; a fake tracker (opentracker is
  // IPv4-only) that names it in 'peers6' over HTTP, and in 18-byte entries over
  // UDP on [::1]. Metadata and data both come over IPv6.
  test::swarm s("--size-kib 4096 --seeders 0");
  const auto seed = test::run_fixture("swarm.py", {"seed-libtorrent", s.work(), s.source_dir(), "--ipv6"});
  const int seed_port = seed["port"];
  const auto tracker_port = test::free_port();
  const std::string ready = s.work() + "/peers6.ready";
  test::child_process tracker({ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/fake_tracker.py", "peers6",
                               std::to_string(tracker_port), ready, std::to_string(seed_port)});
  for (int i = 0; i < 100 && !std::ifstream(ready).good(); ++i) std::this_thread::sleep_for(50ms);
  for (const std::string tr : {"http://127.0.0.1:" + std::to_string(tracker_port) + "/announce",
                               "udp://[::1]:" + std::to_string(tracker_port)}) {
    const auto dir = s.new_download_dir("dl");
    const auto r = run_actorrent({"magnet:?xt=urn:btih:" + s.info_hash() + "&tr=" + url_encode(tr), "-d", dir, "-p",
                                  "0", "-v"}, 60s);
    BOOST_TEST_INFO(tr << ": " << r.err);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(s.verify(dir));
    BOOST_TEST(r.err.find("connected to [::1]:" + std::to_string(seed_port)) != std::string::npos);
  }
  // BEP 15 connection ids are reused for 60 s: the UDP run's two trackers (the
  // metadata phase's, then the download's with started, completed, stopped)
  // connected once each for four or more announces.
  int connects = 0, announces = 0;
  while (auto line = tracker.read_line(200ms)) {
    const auto j = nlohmann::json::parse(*line);
    if (j.contains("udp6")) (j["udp6"] == 0 ? connects : announces) += 1;
  }
  BOOST_TEST(connects == 2);
  BOOST_TEST(announces >= 4);
  ::kill(-seed["pid"].get<int>(), SIGTERM);
}

BOOST_AUTO_TEST_CASE(libtorrent_on_ipv6_downloads_from_an_actorrent_seeder) {
  // We listen on both stacks: a libtorrent leecher on [::1] reaches us there.
  test::swarm s("--size-kib 4096 --seeders 0");
  const auto port = test::free_port();
  auto seeder = test::start_seeder(s, port);
  const auto dir = s.new_download_dir("lt");
  test::run_fixture("swarm.py", {"leech-libtorrent", s.work(), dir, "--timeout", "60", "--ipv6", "--magnet-peer",
                    "[::1]:" + std::to_string(port)});
  BOOST_TEST(s.verify(dir));
  test::stop_seeder(*seeder);
}

BOOST_AUTO_TEST_SUITE_END()
