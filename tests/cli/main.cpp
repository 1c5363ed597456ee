#define BOOST_TEST_MODULE actorrent command line
#include <boost/test/unit_test.hpp>
