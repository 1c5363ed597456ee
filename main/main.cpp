// actorrent command line: parses arguments and hands over to a command.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "main/show_command.hpp"
#include "main/terminal_text.hpp"

namespace {

constexpr int exit_usage = 2;

constexpr const char* examples = R"(
Examples:
  actorrent show ubuntu.torrent          what is inside a torrent
  actorrent show --json ubuntu.torrent   the same, as JSON)";

} // namespace

int main(int argc, char** argv) {
  using namespace actorrent::cli;
  CLI::App app{"actorrent: a BitTorrent client built from actors"};
  app.footer(examples);
  app.set_version_flag("--version", std::string("actorrent ") + ACTORRENT_VERSION);
  app.require_subcommand(0, 1);

  std::string torrent;
  app.add_option("torrent", torrent, "a .torrent file to download");

  show_options show;
  auto* show_cmd = app.add_subcommand("show", "print what a .torrent file holds");
  show_cmd->add_option("torrent", show.torrent_path, "the .torrent file")->required();
  show_cmd->add_flag("--json", show.json, "print JSON instead of text");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "actorrent: {} (see --help)\n", printable(e.what()));
    return exit_usage;
  }

  if (*show_cmd) return run_show(show);
  if (!torrent.empty()) {
    fmt::print(stderr, "actorrent: downloading is not built yet (issue #4); try 'actorrent show {}'\n",
               printable(torrent));
    return 1;
  }
  fmt::print(stderr, "actorrent: no torrent given (see --help)\n");
  return exit_usage;
}
