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
      {"peer-crash", "KIND=RATE"}, {"nope=0.1", "unknown fault 'nope' (supported: peer-crash, peer-drop, peer-stall, corrupt-block, disk-error, disk-delay, tracker-fail, scheduler-crash, disk-crash)"},
      {"peer-crash=", "not a number"}, {"peer-crash=x", "not a number"}, {"peer-crash=1.5", "not a number"},
      {"peer-crash=-0.1", "not a number"}, {"peer-crash=0.1x", "not a number"}, {"peer-crash=nan", "not a number"},
      {"disk-delay=0", "milliseconds from 1 to 10000"}, {"disk-delay=2.5", "milliseconds"},
      {"disk-delay=20000", "milliseconds"}, {"disk-delay=", "milliseconds"}};
  for (auto [spec, why] : bad) {
    try {
      fault_plan::parse({spec}, 1);
      BOOST_FAIL(std::string("accepted ") + spec);
    } catch (const std::invalid_argument& e) {
      BOOST_TEST(std::string(e.what()).find(why) != std::string::npos, e.what());
    }
  }
}

BOOST_AUTO_TEST_CASE(every_kind_has_a_name_and_disk_delay_is_a_duration) {
  for (std::size_t i = 0; i < fault_kind_count; ++i) {
    const auto k = static_cast<fault_kind>(i);
    BOOST_TEST((fault_from_name(fault_name(k)) == k));
  }
  const auto plan = fault_plan::parse({"disk-delay=25", "corrupt-block=0.01", "tracker-fail=1"}, 3);
  BOOST_TEST(plan.disk_delay_ms() == 25u);
  BOOST_TEST(plan.rate(fault_kind::corrupt_block) == 0.01);
  fault_injector inj(plan, 1);
  for (int i = 0; i < 100; ++i) BOOST_TEST(inj.fire(fault_kind::disk_delay)); // every write waits
  for (int i = 0; i < 100; ++i) BOOST_TEST(inj.fire(fault_kind::tracker_fail));
  BOOST_TEST(!inj.fire(fault_kind::peer_crash)); // not planned
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
