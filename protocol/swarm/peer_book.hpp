#pragma once
// The peers a torrent (or a magnet's metadata fetch) knows, and the rules
// for each: who to dial next, how long to wait after a failure (exponential
// backoff), what a connection's end costs the peer (a ban for misbehaviour, a
// restart within a budget after a crash), and how many may be known at all
// (the cap of peer_list_cap, failed peers evicted first).
//
// Bans are by IP, as libtorrent's are: a banned host may not come back on
// another port or by dialling us. On loopback many peers share one IP (test
// rigs, local clients), so there a ban names the address and port.
//
// Plain class, no actors: the session and the metadata fetcher keep the
// connections and ask this what to do.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/swarm/peer_list_cap.hpp"
#include "protocol/storage/piece_geometry.hpp"
#include "protocol/vocabulary.hpp"

namespace actorrent {

// How a connection ended, as far as the peer's record is concerned.
enum class peer_ending {
  shutdown,        // we closed it (stopping, replaced by a newcomer): nothing against it
  closed,          // closed or timed out: dial again later, backing off
  redundant,       // two seeds: nothing to trade for a long while
  duplicate,       // we talk to it over another connection
  misbehaved,      // protocol error, another torrent: banned
  self_connection, // it was us: banned for a day
  banned,          // ban() was called already
  crashed,         // its actor failed: dialled again within a budget
};

struct peer_book_options {
  using duration = std::chrono::steady_clock::duration;
  std::size_t cap = max_known_peers;
  std::uint16_t own_port = 0;                 // loopback:own_port is ourselves (trackers list us)
  duration max_backoff = std::chrono::seconds(120);
  duration ban_time = std::chrono::minutes(10);
  std::size_t restart_budget = 5;             // crashes without progress...
  duration restart_window = std::chrono::seconds(60); // ...within this long ban the peer
  std::size_t max_bans = 10000;               // remembered bans (expired ones go first)
};

class peer_book {
public:
  using clock = std::chrono::steady_clock;

  struct entry {
    peer_address address;
    bool connecting = false;
    bool connected = false;
    bool incoming = false;         // it dialled us: never dialled back, forgotten when it goes
    std::uint16_t listen_port = 0; // from its extension handshake: where others can dial it
    peer_key key = 0;              // of the current connection
    int failures = 0;              // since it last connected
    clock::time_point next_attempt{};
    std::deque<clock::time_point> restarts; // crashes in the restart window
    std::int64_t delivered = 0;    // payload bytes since its last (re)start
  };

  // What follows a connection's end.
  struct outcome {
    bool newly_banned = false;
    std::optional<clock::duration> restart_in; // a crash within the budget: dial again then
    std::size_t crashes = 0;                   // in the window, this one included
  };

  explicit peer_book(peer_book_options o = {}) : o_(o) {}
  // Our listening port, once bound (we skip ourselves in tracker replies).
  void set_own_port(std::uint16_t port) noexcept { o_.own_port = port; }

  // Peers from a tracker, the DHT or PEX: the unknown ones join while the
  // book stays under its cap and under `limit` entries (failed peers make
  // room); ourselves, port 0 and banned hosts are skipped. Returns how many joined.
  std::size_t add(const std::vector<peer_address>& found, clock::time_point now,
                  std::size_t limit = std::numeric_limits<std::size_t>::max());
  // A peer that dialled us, now connected under `key` (check banned() first).
  void add_incoming(const peer_address& from, peer_key key);

  // Known peers to dial now, so that at most `max_active` connections are
  // open or being opened; each comes back marked as connecting.
  std::vector<peer_address> to_dial(std::size_t max_active, clock::time_point now);
  void dial_failed(const std::string& id, clock::time_point now);
  // A dial that connected when no slot was left: closed, no failure counted.
  void dial_abandoned(const std::string& id);
  // False when the peer is no longer known: close the socket.
  bool dial_succeeded(const std::string& id, peer_key key);
  outcome ended(const std::string& id, peer_ending why, clock::time_point now);
  void delivered(const std::string& id, std::int64_t bytes);

  void ban(const peer_address& who, clock::duration how_long, clock::time_point now);
  bool banned(const peer_address& who, clock::time_point now) const;

  entry* find(const std::string& id);
  std::size_t size() const noexcept { return peers_.size(); }
  std::size_t active() const; // connected or connecting
  // Where the peers we are connected to can be dialled (for PEX): the address
  // we dialled, or an incoming peer's address with the port it listens on.
  std::vector<peer_address> dialable_connected() const;

private:
  static std::string ban_key(const peer_address& who);
  void make_room(std::size_t newcomers, clock::time_point now);

  peer_book_options o_;
  std::map<std::string, entry> peers_;                        // by "host:port"
  std::unordered_map<std::string, clock::time_point> bans_;   // ban_key -> until
};

} // namespace actorrent
