#include <boost/test/unit_test.hpp>

#include <fstream>

#include "protocol/storage/resume_data.hpp"
#include "tests/support/printers.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/torrent_builder.hpp"

using namespace actorrent;

namespace {
metainfo three_files() {
  // 16 KiB pieces; file b spans pieces 0-2, c sits in piece 2.
  return parse_metainfo(bencode::encode(test::make_torrent(test::make_info(
      "set", {{{"a"}, 10000}, {{"b"}, 30000}, {{"c"}, 100}}, 16384))));
}
resume_data sample(const metainfo& m) {
  resume_data r;
  r.info_hash = m.info_hash;
  r.have = bitfield(m.piece_count());
  r.have.set(0);
  r.have.set(2);
  r.files = {{10000, 111}, {30000, 222}, {100, 333}};
  r.downloaded = 12345;
  r.uploaded = 678;
  return r;
}
} // namespace

BOOST_AUTO_TEST_SUITE(resume_data_suite)

BOOST_AUTO_TEST_CASE(round_trip) {
  const metainfo m = three_files();
  const resume_data r = decode_resume(encode_resume(sample(m)), m);
  BOOST_TEST(r.have == sample(m).have);
  BOOST_TEST(r.files == sample(m).files);
  BOOST_TEST(r.downloaded == 12345);
  BOOST_TEST(r.uploaded == 678);
  // Written as it goes, yet canonical bencode (keys sorted): the bytes a tree would give.
  resume_data absent = sample(m);
  absent.files[1] = {-1, 0};
  const std::string bytes = encode_resume(absent);
  BOOST_TEST(bencode::encode(bencode::decode(bytes)) == bytes);
  BOOST_TEST(decode_resume(bytes, m).files == absent.files);
}

BOOST_AUTO_TEST_CASE(rejects_foreign_truncated_and_corrupt_files) {
  const metainfo m = three_files();
  const metainfo other = parse_metainfo(test::single_file_torrent());
  const std::string good = encode_resume(sample(m));
  const std::string cases[] = {
      "", good.substr(0, good.size() / 2), "garbage", "i1e", "de",
      encode_resume(sample(other)).replace(0, 0, ""), // another torrent's file
  };
  for (const auto& bytes : cases) BOOST_CHECK_THROW(decode_resume(bytes, m), resume_error);
  BOOST_CHECK_THROW(decode_resume(encode_resume(sample(m)), other), resume_error);
  resume_data wrong = sample(m);
  wrong.have = bitfield(m.piece_count() + 9);
  BOOST_CHECK_THROW(decode_resume(encode_resume(wrong), m), resume_error);
  resume_data fewer = sample(m);
  fewer.files.pop_back();
  BOOST_CHECK_THROW(decode_resume(encode_resume(fewer), m), resume_error);
}

BOOST_AUTO_TEST_CASE(changed_files_untrust_their_pieces) {
  const metainfo m = three_files();
  const resume_data r = sample(m);
  BOOST_TEST(trusted_pieces(r, m, r.files) == r.have);
  auto now = r.files;
  now[2].mtime_ns = 999; // c changed: piece 2 must be rechecked, piece 0 stays
  bitfield expect(m.piece_count());
  expect.set(0);
  BOOST_TEST(trusted_pieces(r, m, now) == expect);
  now = r.files;
  now[0].size = -1; // a missing: piece 0 goes
  expect = bitfield(m.piece_count());
  expect.set(2);
  BOOST_TEST(trusted_pieces(r, m, now) == expect);
}

BOOST_AUTO_TEST_CASE(atomic_save_and_load) {
  test::temp_dir dir;
  const metainfo m = three_files();
  const std::string path = resume_path(dir.path, m.info_hash);
  BOOST_TEST(path == dir.path + "/.actorrent/" + to_hex(m.info_hash) + ".resume");
  BOOST_TEST(!load_file(path, 1 << 20).has_value());
  save_file_atomically(path, "first");
  save_file_atomically(path, "second");
  BOOST_TEST(load_file(path, 1 << 20).value() == "second");
  BOOST_CHECK_THROW(load_file(path, 3), storage_error);
  std::ifstream tmp(path + ".tmp");
  BOOST_TEST(!tmp.good()); // no temporary left behind
}

BOOST_AUTO_TEST_SUITE_END()
