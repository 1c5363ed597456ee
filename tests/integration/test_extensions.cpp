// The extensions modern swarms use, against real libtorrent peers and a raw
// wire probe (tests/fixtures/wire_probe.py): BEP 6 fast, BEP 9 metadata,
// BEP 10 extension handshake, BEP 11 peer exchange.
#include <boost/test/unit_test.hpp>

#include "tests/support/actorrent_runs.hpp"
#include "tests/support/process.hpp"

using namespace actorrent;
using namespace std::chrono_literals;
using test::run_actorrent;

namespace {

nlohmann::json probe(const test::swarm& s, std::uint16_t port, const std::string& mode) {
  const auto r = test::run_process({ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/wire_probe.py", s.torrent(),
                                    std::to_string(port), mode});
  BOOST_TEST_INFO(r.err);
  BOOST_REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

nlohmann::json swarm_command(const test::swarm& s, const std::vector<std::string>& args) {
  std::vector<std::string> argv{ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/swarm.py"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = test::run_process(argv);
  BOOST_TEST_INFO(r.err);
  BOOST_REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out.substr(r.out.rfind('{')));
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
  const auto j = swarm_command(s, {"leech-libtorrent", s.work(), dir, "--timeout", "60", "--magnet-peer",
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
  BOOST_TEST(j["ext"]["reqq"] == 500);
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
  test::swarm s("--size-kib 1024 --seeders 0");
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
  const auto pair = swarm_command(s, {"pex-pair", s.work()});
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0", "-v"}, 90s);
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  BOOST_TEST(r.err.find("peer exchange: ") != std::string::npos);
  BOOST_TEST(r.err.find("connected to 127.0.0.1:" + std::to_string(pair["b"].get<int>())) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
