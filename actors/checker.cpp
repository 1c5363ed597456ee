#include "actors/checker.hpp"

#include <caf/all.hpp>

#include "protocol/sha1.hpp"
#include "protocol/storage.hpp"

namespace actorrent {

namespace {

checker_actor::behavior_type checker_behavior(checker_actor::pointer, context_ptr ctx) {
  auto store = std::make_shared<storage>(ctx->options.download_dir, ctx->torrent, 16);
  return {
      [=](msg::check_atom, const std::vector<std::uint32_t>& pieces) {
        std::vector<std::uint32_t> good;
        std::string buf;
        for (auto p : pieces) {
          try {
            buf = store->read_piece(p);
          } catch (const storage_error&) {
            continue; // missing or short file: the piece is simply not there
          }
          if (sha1(buf) == ctx->torrent.piece_hashes[p]) good.push_back(p);
        }
        return good;
      },
  };
}

} // namespace

checker_actor spawn_checker(caf::actor_system& sys, context_ptr ctx) {
  return sys.spawn<caf::detached>(checker_behavior, std::move(ctx));
}

} // namespace actorrent
