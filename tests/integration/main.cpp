#define BOOST_TEST_MODULE actorrent integration
#include <boost/test/unit_test.hpp>
