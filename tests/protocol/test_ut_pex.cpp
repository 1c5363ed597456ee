#include <boost/test/unit_test.hpp>

#include "protocol/wire/ut_pex.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(ut_pex_suite)

BOOST_AUTO_TEST_CASE(round_trip_both_families) {
  ut_pex::message m;
  m.added = {{"127.0.0.2", 6881, std::nullopt}, {"::1", 51413, std::nullopt}, {"tracker.example", 1, std::nullopt}};
  m.dropped = {{"10.0.0.1", 80, std::nullopt}};
  const std::string wire = ut_pex::encode(m);
  const auto back = ut_pex::parse(wire);
  BOOST_REQUIRE(back.added.size() == 2u); // the host name is not a compact address
  BOOST_TEST(back.added[0].ip == "127.0.0.2");
  BOOST_TEST(back.added[0].port == 6881);
  BOOST_TEST(back.added[1].ip == "::1");
  BOOST_TEST(back.added[1].port == 51413);
  BOOST_REQUIRE(back.dropped.size() == 1u);
  BOOST_TEST(back.dropped[0].ip == "10.0.0.1");
  BOOST_TEST(wire.find("7:added.f1:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(at_most_fifty_per_message) {
  ut_pex::message m;
  for (int i = 0; i < 80; ++i) m.added.push_back({"127.0.0." + std::to_string(i + 1), 1000, std::nullopt});
  BOOST_TEST(ut_pex::parse(ut_pex::encode(m)).added.size() == 50u);
}

BOOST_AUTO_TEST_CASE(hostile_messages_are_refused) {
  const std::string over = std::string(101 * 6, '\x01');
  for (const std::string bad : {std::string("le"), std::string("junk"), std::string("d5:addedi1ee"),
                                std::string("d5:added5:abcdee"), std::string("d6:added67:") + std::string(7, 'x') + "e",
                                "d5:added606:" + over + "e", "d7:dropped606:" + over + "e"})
    BOOST_CHECK_THROW(ut_pex::parse(bad), ext::extension_error);
  // 100 is still accepted (two honest messages' worth from a generous client).
  BOOST_TEST(ut_pex::parse("d5:added600:" + std::string(600, '\x01') + "e").added.size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()
