// The live limits derived from a torrent's record and the session settings.
#include <boost/test/unit_test.hpp>

#include "protocol/engine/transfer_limits.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(transfer_limits_suite)

BOOST_AUTO_TEST_CASE(a_torrents_limits_are_in_transmissions_kilobytes) {
  torrent_record r;
  BOOST_TEST(torrent_limits_of(r).download == 0); // not limited
  r.download_limited = true;
  r.download_limit = 500;
  r.upload_limited = true;
  r.upload_limit = 0; // "nothing": the least a bucket keeps, not unlimited
  r.peer_limit = 0;
  const auto l = torrent_limits_of(r);
  BOOST_TEST(l.download == 500'000);
  BOOST_TEST(l.upload == 1);
  BOOST_TEST(l.peers == 1u);
  r.download_limit = std::int64_t{1} << 62; // capped, no overflow
  BOOST_TEST(torrent_limits_of(r).download > 0);
}

BOOST_AUTO_TEST_CASE(turtle_mode_beats_the_speed_limits_which_beat_the_daemon_defaults) {
  session_settings s;
  BOOST_TEST(engine_limits_of(s, 7000, 8000).download == 7000);
  BOOST_TEST(engine_limits_of(s, 7000, 8000).upload == 8000);
  s.speed_limit_down_enabled = true;
  s.speed_limit_down = 300;
  BOOST_TEST(engine_limits_of(s, 7000, 8000).download == 300'000);
  BOOST_TEST(engine_limits_of(s, 7000, 8000).upload == 8000);
  s.alt_speed_enabled = true;
  s.alt_speed_down = 20;
  s.alt_speed_up = 10;
  BOOST_TEST(engine_limits_of(s, 7000, 8000).download == 20'000);
  BOOST_TEST(engine_limits_of(s, 7000, 8000).upload == 10'000);
  s.peer_limit_global = 3;
  BOOST_TEST(engine_limits_of(s, 0, 0).peers == 3u);
}

BOOST_AUTO_TEST_CASE(turtle_mode_settings_are_kept_and_checked) {
  session_settings s;
  s.download_dir = "/tmp";
  BOOST_TEST(apply_session_set(s, {{"alt-speed-enabled", true}, {"alt-speed-down", 77}}).empty());
  const auto back = decode_settings(encode_settings(s));
  BOOST_TEST(back.alt_speed_enabled);
  BOOST_TEST(back.alt_speed_down == 77);
  BOOST_TEST(!apply_session_set(s, {{"alt-speed-up", "fast"}}).empty());
  BOOST_TEST(!apply_session_set(s, {{"alt-speed-enabled", 1}}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
