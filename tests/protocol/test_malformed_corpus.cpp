#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "protocol/metainfo/metainfo.hpp"
#include "tests/support/malformed_corpus.hpp"

using namespace actorrent;
namespace data = boost::unit_test::data;

namespace actorrent::test {
std::ostream& operator<<(std::ostream& os, const malformed_case& c) { return os << c.name; }
} // namespace actorrent::test

BOOST_AUTO_TEST_SUITE(malformed_corpus)

BOOST_AUTO_TEST_CASE(corpus_is_large_enough) {
  BOOST_TEST(test::malformed_corpus().size() >= 40u);
}

// Every malformed torrent is refused with a clear one-line reason.
BOOST_DATA_TEST_CASE(each_gives_a_clear_error, data::make(test::malformed_corpus()), c) {
  try {
    parse_metainfo(c.bytes);
    BOOST_FAIL("accepted: " + c.name);
  } catch (const metainfo_error& e) {
    const std::string msg = e.what();
    BOOST_TEST(msg.find(c.expected) != std::string::npos, "'" << msg << "' lacks '" << c.expected << "'");
    BOOST_TEST(msg.find('\n') == std::string::npos);
    BOOST_TEST(msg.size() < 300u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
