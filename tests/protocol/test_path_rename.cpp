// torrent-rename-path: planning over a torrent's paths and the rename on disk.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "protocol/engine/path_rename.hpp"
#include "tests/support/temp_dir.hpp"

using namespace actorrent;
using paths_t = std::vector<std::vector<std::string>>;

namespace {
const paths_t tree{{"set", "d0", "a.dat"}, {"set", "empty.txt"}, {"set", "d1", "b.dat"}};

bool exists(const std::string& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}
void touch(const std::string& p, const std::string& text = "x") { std::ofstream(p) << text; }
} // namespace

BOOST_AUTO_TEST_SUITE(path_rename_suite)

BOOST_AUTO_TEST_CASE(a_file_a_folder_or_the_torrent_itself_takes_a_new_name) {
  BOOST_TEST((plan_rename(tree, "set/d0/a.dat", "first.dat").paths ==
              paths_t{{"set", "d0", "first.dat"}, {"set", "empty.txt"}, {"set", "d1", "b.dat"}}));
  BOOST_TEST((plan_rename(tree, "set/d1", "second").paths == paths_t{{"set", "d0", "a.dat"}, {"set", "empty.txt"}, {"set", "second", "b.dat"}}));
  const auto top = plan_rename(tree, "set", "renamed");
  BOOST_TEST((top.from == std::vector<std::string>{"set"}));
  for (const auto& p : top.paths) BOOST_TEST(p.front() == "renamed");
  BOOST_TEST((plan_rename({{"payload.bin"}}, "payload.bin", "data.bin").paths == paths_t{{"data.bin"}}));
  BOOST_TEST((plan_rename(tree, "set/d1", "d1").paths == tree)); // the same name: nothing changes
}

BOOST_AUTO_TEST_CASE(unknown_paths_unsafe_names_and_collisions_are_refused) {
  const std::pair<const char*, const char*> bad[] = {
      {"set/nothing", "x"}, {"set/d0/a", "x"}, {"", "x"}, {"set/../etc", "x"}, {"/set", "x"},
      {"set/d0", ".."},     {"set/d0", "a/b"}, {"set/d0", ""}, {"set/d0", "."},
      {"set/d0", "d1"},       // a folder of that name
      {"set/d0", "empty.txt"}, // a file of that name
      {"set/empty.txt", "d0"}, // a file where a folder is
  };
  for (const auto& [path, name] : bad) BOOST_CHECK_THROW(plan_rename(tree, path, name), std::invalid_argument);
  BOOST_CHECK_THROW(plan_rename(tree, "set", std::string(300, 'n')), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(renames_on_disk_without_replacing_or_following_links) {
  test::temp_dir dir;
  ::mkdir((dir.path + "/set").c_str(), 0755);
  ::mkdir((dir.path + "/set/d0").c_str(), 0755);
  touch(dir.path + "/set/d0/a.dat", "payload");
  BOOST_TEST(rename_on_disk(dir.path, plan_rename(tree, "set/d0/a.dat", "first.dat")).empty());
  BOOST_TEST(exists(dir.path + "/set/d0/first.dat"));
  BOOST_TEST(!exists(dir.path + "/set/d0/a.dat"));
  // Not on disk yet (set/d1 was never created): nothing to do, no error.
  BOOST_TEST(rename_on_disk(dir.path, plan_rename(tree, "set/d1", "second")).empty());
  // Something already there under the new name is never overwritten.
  touch(dir.path + "/set/d0/taken.dat", "someone else's");
  const auto refused = rename_on_disk(dir.path, plan_rename({{"set", "d0", "first.dat"}}, "set/d0/first.dat", "taken.dat"));
  BOOST_TEST(!refused.empty());
  BOOST_TEST(refused.find('\n') == std::string::npos);
  std::ifstream kept(dir.path + "/set/d0/taken.dat");
  std::string text;
  std::getline(kept, text);
  BOOST_TEST(text == "someone else's");
  // A symlink in the way is not followed: the walk stops, nothing outside moves.
  test::temp_dir outside;
  ::mkdir((outside.path + "/d2").c_str(), 0755);
  touch(outside.path + "/d2/c.dat");
  ::symlink(outside.path.c_str(), (dir.path + "/link").c_str());
  BOOST_TEST(rename_on_disk(dir.path, plan_rename({{"link", "d2", "c.dat"}}, "link/d2/c.dat", "moved.dat")).empty());
  BOOST_TEST(exists(outside.path + "/d2/c.dat"));
}

BOOST_AUTO_TEST_CASE(kept_paths_are_laid_over_a_metainfo_only_when_safe) {
  metainfo m;
  m.name = "set";
  for (const auto& p : tree) {
    torrent_file f;
    f.path = p;
    m.files.push_back(f);
  }
  const auto renamed = joined_paths(plan_rename(tree, "set", "renamed").paths);
  BOOST_TEST(renamed.front() == "renamed/d0/a.dat");
  metainfo copy = m;
  BOOST_TEST(lay_paths_over(copy, renamed));
  BOOST_TEST(copy.name == "renamed");
  BOOST_TEST(copy.files[2].path.back() == "b.dat");
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"a", "b"},                                  // count
                                              std::vector<std::string>{"set/../x", "set/y", "set/z"},              // ..
                                              std::vector<std::string>{"set/a", "other/b", "set/c"},               // two roots
                                              std::vector<std::string>{"set/a", "set//b", "set/c"}}) {            // empty
    metainfo untouched = m;
    BOOST_TEST(!lay_paths_over(untouched, bad));
    BOOST_TEST(untouched.name == "set");
    BOOST_TEST((untouched.files[0].path == tree[0]));
  }
}

BOOST_AUTO_TEST_SUITE_END()
