#include <boost/test/unit_test.hpp>

#include "protocol/rpc/methods.hpp"

using namespace actorrent::rpc;
using json = nlohmann::json;

BOOST_AUTO_TEST_SUITE(rpc_methods_suite)

BOOST_AUTO_TEST_CASE(calls_are_parsed_and_bad_bodies_answered) {
  const auto ok = parse_call(R"({"method":"session-get","arguments":{"fields":["version"]},"tag":7})");
  BOOST_REQUIRE(ok.ok.has_value());
  BOOST_TEST(ok.ok->method == "session-get");
  BOOST_TEST(ok.ok->arguments["fields"][0] == "version");
  const json r = reply(*ok.ok, "success", {{"a", 1}});
  BOOST_TEST(r["tag"] == 7);
  BOOST_TEST(r["result"] == "success");
  BOOST_TEST(r["arguments"]["a"] == 1);
  BOOST_TEST(!reply(*parse_call(R"({"method":"x"})").ok, "e").contains("tag"));
  for (const char* bad : {"", "{", "[1,2]", "\"session-get\"", R"({"arguments":{}})", R"({"method":5})",
                          R"({"method":"session-get","arguments":[1]})", R"({"method":"session-get","tag":"x"})",
                          "{\"method\":\"a\"}garbage"}) {
    const auto p = parse_call(bad);
    BOOST_TEST(!p.ok.has_value(), bad);
    BOOST_TEST(p.error_reply["result"].get<std::string>() != "success");
  }
  // Deep nesting is an answer, not a crash.
  const std::string deep = "{\"method\":\"x\",\"arguments\":{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}}";
  BOOST_TEST(parse_call(deep).ok.has_value());
}

BOOST_AUTO_TEST_CASE(session_get_reports_the_engine_and_honours_fields) {
  session_facts f;
  f.version = "actorrent 0.1.0";
  f.session_id = "sid";
  f.download_dir = "/data";
  f.peer_port = 51413;
  f.download_limit = 100 * 1000; // bytes/s; the RPC shows Transmission's kB of 1000 bytes
  f.peer_limit = 50;
  const json all = session_get(f, json::object());
  BOOST_TEST(all["rpc-version"] == 17);
  BOOST_TEST(all["rpc-version-minimum"] == 14);
  BOOST_TEST(all["download-dir"] == "/data");
  BOOST_TEST(all["peer-port"] == 51413);
  BOOST_TEST(all["speed-limit-down"] == 100);
  BOOST_TEST(all["speed-limit-down-enabled"] == true);
  BOOST_TEST(all["speed-limit-up-enabled"] == false);
  BOOST_TEST(all["session-id"] == "sid");
  const json some = session_get(f, {{"fields", {"version", "peer-port", "no-such-field", 3}}});
  BOOST_TEST(some.size() == 2u);
  BOOST_TEST(some["version"] == "actorrent 0.1.0");
}

BOOST_AUTO_TEST_CASE(session_stats_from_the_status_object) {
  const json status = {{"bytes_uploaded", 1000}, {"bytes_received", 5000}, {"down_rate", 123.9}, {"up_rate", 45.2},
                       {"elapsed_s", 61.7},      {"progress", 0.5},        {"peers_connected", 2}};
  const json s = session_stats(status);
  BOOST_TEST(s["torrentCount"] == 1);
  BOOST_TEST(s["activeTorrentCount"] == 1);
  BOOST_TEST(s["downloadSpeed"] == 123);
  BOOST_TEST(s["uploadSpeed"] == 45);
  BOOST_TEST(s["current-stats"]["downloadedBytes"] == 5000);
  BOOST_TEST(s["current-stats"]["uploadedBytes"] == 1000);
  BOOST_TEST(s["current-stats"]["secondsActive"] == 61);
  // Before the first status object: zeros, not a crash.
  BOOST_TEST(session_stats(json::object())["current-stats"]["downloadedBytes"] == 0);
  BOOST_TEST(session_stats(json{{"bytes_received", "not a number"}})["current-stats"]["downloadedBytes"] == 0);
}

BOOST_AUTO_TEST_CASE(a_serialized_reply_gets_its_tag_without_being_parsed_again) {
  using nlohmann::json;
  const auto tagged = actorrent::rpc::with_tag(R"({"arguments":{},"result":"success"})", 7);
  BOOST_REQUIRE(tagged);
  const auto j = json::parse(*tagged);
  BOOST_TEST(j["tag"] == 7);
  BOOST_TEST(j["result"] == "success");
  BOOST_TEST(json::parse(*actorrent::rpc::with_tag("{}", "x"))["tag"] == "x");
  BOOST_TEST(*actorrent::rpc::with_tag("{\"a\":1}\n", nullptr) == "{\"a\":1}"); // no tag: as it was
  BOOST_TEST(!actorrent::rpc::with_tag("[1,2]", 1));
  BOOST_TEST(!actorrent::rpc::with_tag("", 1));
  BOOST_TEST(!actorrent::rpc::with_tag("{", 1));
}

BOOST_AUTO_TEST_SUITE_END()
