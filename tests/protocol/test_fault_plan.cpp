#include <boost/test/unit_test.hpp>

#include "protocol/fault_plan.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(fault_plan_suite)

BOOST_AUTO_TEST_CASE(parses_kinds_and_rates) {
  const auto plan = fault_plan::parse({"peer-crash=0.25"}, 7);
  BOOST_TEST(plan.rate(fault_kind::peer_crash) == 0.25);
  BOOST_TEST(plan.any());
  BOOST_TEST(plan.seed() == 7u);
  BOOST_TEST(!fault_plan::parse({}, 1).any());
}

BOOST_AUTO_TEST_CASE(rejects_bad_specs_with_a_reason) {
  const std::pair<const char*, const char*> bad[] = {
      {"peer-crash", "KIND=RATE"}, {"nope=0.1", "unknown fault 'nope' (supported: peer-crash)"},
      {"peer-crash=", "not a number"}, {"peer-crash=x", "not a number"}, {"peer-crash=1.5", "not a number"},
      {"peer-crash=-0.1", "not a number"}, {"peer-crash=0.1x", "not a number"}, {"peer-crash=nan", "not a number"}};
  for (auto [spec, why] : bad) {
    try {
      fault_plan::parse({spec}, 1);
      BOOST_FAIL(std::string("accepted ") + spec);
    } catch (const std::invalid_argument& e) {
      BOOST_TEST(std::string(e.what()).find(why) != std::string::npos, e.what());
    }
  }
}

BOOST_AUTO_TEST_CASE(streams_are_reproducible_and_independent) {
  const auto plan = fault_plan::parse({"peer-crash=0.1"}, 42);
  auto draw = [&](std::uint64_t stream) {
    fault_injector inj(plan, stream);
    std::vector<bool> out;
    for (int i = 0; i < 1000; ++i) out.push_back(inj.fire(fault_kind::peer_crash));
    return out;
  };
  BOOST_TEST(draw(1) == draw(1));
  BOOST_TEST(draw(1) != draw(2));
  const auto v = draw(3);
  const auto fired = std::count(v.begin(), v.end(), true);
  BOOST_TEST(fired > 50);  // ~100 expected at 10%
  BOOST_TEST(fired < 150);
  fault_injector off;
  BOOST_TEST(!off.fire(fault_kind::peer_crash));
}

BOOST_AUTO_TEST_SUITE_END()
