// torrent-set's tracker edits: ids as torrent-get showed them, one new tier
// per added URL, bad input refused whole.
#include <boost/test/unit_test.hpp>

#include "protocol/engine/tracker_edit.hpp"

using namespace actorrent;
using json = nlohmann::json;

namespace {
const tracker_list two_tiers{{"http://a/announce", "udp://b:80"}, {"https://c/announce"}};
}

BOOST_AUTO_TEST_SUITE(tracker_edit_suite)

BOOST_AUTO_TEST_CASE(added_urls_come_last_each_in_a_tier_of_its_own_and_never_twice) {
  const auto out = edit_trackers(two_tiers, {{"trackerAdd", {"udp://d:6969/announce", "http://a/announce", "http://e/x"}}});
  BOOST_TEST((out == tracker_list{{"http://a/announce", "udp://b:80"}, {"https://c/announce"}, {"udp://d:6969/announce"}, {"http://e/x"}}));
  BOOST_TEST((edit_trackers({}, {{"trackerAdd", {"http://a/announce"}}}) == tracker_list{{"http://a/announce"}}));
}

BOOST_AUTO_TEST_CASE(remove_and_replace_go_by_the_ids_torrent_get_showed) {
  // ids: 0 http://a, 1 udp://b, 2 https://c
  BOOST_TEST((edit_trackers(two_tiers, {{"trackerRemove", {0, 2}}}) == tracker_list{{"udp://b:80"}}));
  BOOST_TEST((edit_trackers(two_tiers, {{"trackerReplace", {2, "udp://z:1"}}, {"trackerRemove", {1}}}) ==
              tracker_list{{"http://a/announce"}, {"udp://z:1"}}));
  // Removing every tracker is allowed (DHT and PEX may carry on).
  BOOST_TEST(edit_trackers(two_tiers, {{"trackerRemove", {0, 1, 2}}}).empty());
}

BOOST_AUTO_TEST_CASE(a_tracker_list_replaces_every_tier) {
  const auto out = edit_trackers(two_tiers, {{"trackerList", "http://x/a\nudp://y:1\n\n\nhttps://z/a\r\n"}});
  BOOST_TEST((out == tracker_list{{"http://x/a", "udp://y:1"}, {"https://z/a"}}));
  BOOST_TEST(edit_trackers(two_tiers, {{"trackerList", ""}}).empty());
}

BOOST_AUTO_TEST_CASE(bad_edits_are_one_line_errors) {
  const json bad[] = {
      {{"trackerAdd", "http://a/announce"}},           // not an array
      {{"trackerAdd", {"ftp://a/"}}},                  // not a tracker scheme
      {{"trackerAdd", {"http:// a/"}}},                // a space
      {{"trackerAdd", {"http://"}}},                   // no host
      {{"trackerAdd", {"udp://no-port"}}},             // the UDP client needs a port
      {{"trackerAdd", {std::string(3000, 'a')}}},      // too long
      {{"trackerAdd", {42}}},                          // not a string
      {{"trackerRemove", {3}}},                        // no such id
      {{"trackerRemove", {-1}}},
      {{"trackerRemove", {"0"}}},
      {{"trackerReplace", {0}}},                       // not pairs
      {{"trackerReplace", {9, "http://x/"}}},
      {{"trackerList", {"http://x/"}}},                // not a string
      {{"trackerList", "http://x/\nnonsense"}},
      {{"trackerList", "http://x/"}, {"trackerAdd", {"http://y/"}}},
  };
  for (const auto& args : bad) {
    bool refused = false;
    try {
      edit_trackers(two_tiers, args);
    } catch (const std::invalid_argument& e) {
      refused = std::string(e.what()).find('\n') == std::string::npos;
    }
    BOOST_TEST(refused, args.dump());
  }
  tracker_list many;
  json add = json::array();
  for (int i = 0; i < 1001; ++i) add.push_back("http://t" + std::to_string(i) + "/a");
  BOOST_CHECK_THROW(edit_trackers(many, {{"trackerAdd", add}}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(which_arguments_edit_trackers) {
  BOOST_TEST(edits_trackers({{"trackerAdd", json::array()}}));
  BOOST_TEST(edits_trackers({{"trackerList", ""}}));
  BOOST_TEST(!edits_trackers({{"downloadLimit", 5}}));
}

BOOST_AUTO_TEST_SUITE_END()
