#include <boost/test/unit_test.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "protocol/engine/torrent_record.hpp"
#include "protocol/storage/resume_data.hpp"
#include "tests/support/temp_dir.hpp"

using namespace actorrent;

namespace {

torrent_record sample(std::uint8_t fill, int id) {
  torrent_record r;
  r.info_hash.fill(fill);
  r.id = id;
  r.name = "album";
  r.download_dir = "/data/dl";
  r.paused = true;
  r.added_date = 1700000000;
  r.labels = {"music", "flac"};
  r.wanted = {true, false, true};
  r.priorities = {1, 0, -1};
  r.upload_limit = 100;
  r.upload_limited = true;
  r.uploaded_ever = 5 << 20;
  return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(torrent_record_suite)

BOOST_AUTO_TEST_CASE(a_record_survives_encoding) {
  const auto r = sample(0xab, 7);
  const auto back = decode_record(encode_record(r));
  BOOST_TEST(back.info_hash == r.info_hash);
  BOOST_TEST(back.id == 7);
  BOOST_TEST(back.paused);
  BOOST_TEST(back.labels == r.labels);
  BOOST_TEST(back.wanted == r.wanted);
  BOOST_TEST(back.priorities == r.priorities);
  BOOST_TEST(back.upload_limit == 100);
  BOOST_TEST(back.uploaded_ever == r.uploaded_ever);
}

BOOST_AUTO_TEST_CASE(bad_records_are_one_line_errors) {
  const std::string good = encode_record(sample(1, 1));
  BOOST_CHECK_THROW(decode_record("not json"), std::runtime_error);
  BOOST_CHECK_THROW(decode_record("[1,2]"), std::runtime_error);
  BOOST_CHECK_THROW(decode_record(R"({"id": 1, "download_dir": "/x"})"), std::runtime_error); // no hash
  auto j = nlohmann::json::parse(good);
  j["id"] = "seven";
  BOOST_CHECK_THROW(decode_record(j.dump()), std::runtime_error);
  j = nlohmann::json::parse(good);
  j["priorities"] = {5};
  BOOST_CHECK_THROW(decode_record(j.dump()), std::runtime_error);
  j = nlohmann::json::parse(good);
  j["peer_limit"] = 0;
  BOOST_CHECK_THROW(decode_record(j.dump()), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(the_store_loads_what_it_saved_and_skips_damaged_files) {
  test::temp_dir dir;
  state_store store(dir.path + "/state");
  auto a = sample(0x11, 1);
  auto b = sample(0x22, 2);
  b.magnet = "magnet:?xt=urn:btih:2222222222222222222222222222222222222222";
  store.save(a);
  store.save_metainfo(a.info_hash, "d4:infod...e");
  store.save(b); // a magnet: no .torrent yet
  auto c = sample(0x33, 3); // neither a .torrent nor a magnet
  store.save(c);
  std::ofstream(store.torrents_dir() + "/" + std::string(40, '4') + ".json") << "{broken";
  std::vector<std::string> problems;
  const auto all = store.load_all(problems);
  BOOST_TEST(all.size() == 2u);
  BOOST_TEST(problems.size() == 2u);
  for (const auto& l : all) {
    if (l.record.id == 1) BOOST_TEST(l.metainfo.value_or("") == "d4:infod...e");
    if (l.record.id == 2) BOOST_TEST(!l.metainfo.has_value());
  }
  store.remove(a.info_hash);
  problems.clear();
  BOOST_TEST(store.load_all(problems).size() == 1u);
  BOOST_TEST(!load_file(store.torrents_dir() + "/" + to_hex(a.info_hash) + ".torrent", 1 << 20).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
