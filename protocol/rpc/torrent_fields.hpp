#pragma once
// torrent-get (rpc-version 17, camelCase names): the facts the engine knows
// about one torrent, turned into the fields a client asks for, as objects or
// as Transmission's `format: "table"`; and which torrents a call's `ids`
// names. Plain functions, unit-tested without a server.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/engine/torrent_record.hpp"

namespace actorrent::rpc {

// Transmission's tr_torrent_activity.
enum class torrent_status : int {
  stopped = 0,
  check_wait = 1,
  checking = 2,
  download_wait = 3,
  downloading = 4,
  seed_wait = 5,
  seeding = 6,
};

struct file_view {
  std::string name; // "TORRENT/dir/file" for a multi-file torrent, as Transmission names it
  std::int64_t length = 0;
  std::int64_t bytes_completed = 0;
  std::uint32_t begin_piece = 0, end_piece = 0; // end exclusive
};

struct tracker_view {
  std::string announce;
  int tier = 0;
  std::string last_result; // empty: none yet or it worked
  std::int64_t seeders = -1, leechers = -1;
  std::int64_t last_announce_time = 0; // unix seconds; 0: not asked yet in this run
  std::int64_t last_peer_count = 0;
};

struct peer_view {
  std::string address;
  std::uint16_t port = 0;
  std::string client_name;
  bool incoming = false;
  double progress = 0;
  std::int64_t rate_to_client = 0, rate_to_peer = 0;
};

struct torrent_view {
  torrent_record record; // id, name, dirs, settings, counters
  std::string hash_hex;
  bool has_metadata = true;
  std::string comment, creator;
  std::int64_t date_created = 0;
  bool is_private = false;
  torrent_status status = torrent_status::stopped;
  bool finished = false; // stopped by a seeding goal (not by the user)
  bool stalled = false;  // running, but nothing moved for the stalled time
  int error = 0; // 0 none, 1 tracker warning, 2 tracker error, 3 local error
  std::string error_string;
  std::int64_t total_size = 0;
  std::int64_t size_when_done = 0;   // bytes of wanted files
  std::int64_t left_until_done = 0;  // of those, still missing
  std::int64_t have_valid = 0;       // verified bytes (wanted or not)
  std::int64_t desired_available = 0;
  double recheck_progress = 0;
  double metadata_percent = 1;
  std::int64_t rate_download = 0, rate_upload = 0;
  std::int64_t eta = -1; // seconds; -1: not available, -2: unknown
  std::int64_t start_date = 0;
  std::uint32_t peers_connected = 0, peers_sending = 0, peers_getting = 0;
  std::uint32_t piece_count = 0;
  std::int64_t piece_size = 0;
  std::string pieces_wire; // the verified-piece bitfield, as on the wire
  std::vector<file_view> files;
  std::vector<tracker_view> trackers;
  std::vector<peer_view> peers;
};

// The named fields of one torrent (unknown names are left out, as Transmission does).
nlohmann::json torrent_fields(const torrent_view& v, const std::vector<std::string>& fields);

// torrent-get's arguments: {"torrents": [...]} (objects, or with format
// "table" a header row then one array per torrent), plus "removed" when
// the ids were "recently-active". The error text when `fields` is missing
// or not an array of strings.
struct torrent_get_request {
  std::vector<std::string> fields;
  bool table = false;
};
std::optional<torrent_get_request> parse_torrent_get(const nlohmann::json& arguments, std::string& error);

// The costly parts of a torrent_view that a field list reads: the engine
// builds only those (listing ten thousand torrents must not build ten
// thousand file lists, tracker lists, bitfields and magnet links).
struct view_parts {
  bool files = false;    // files, fileStats, priorities, wanted, file-count
  bool trackers = false; // trackers, trackerStats, trackerList
  bool pieces = false;   // pieces
  bool magnet = false;   // magnetLink
  static view_parts all() { return {true, true, true, true}; }
};
view_parts parts_for(const std::vector<std::string>& fields);
nlohmann::json torrent_get_reply(const std::vector<const torrent_view*>& views, const torrent_get_request& request);
// The same, serialized as it is built: `{"torrents":[...]}` without a JSON
// tree of ten thousand objects in between (what listing every torrent costs).
std::string torrent_get_text(const std::vector<const torrent_view*>& views, const torrent_get_request& request);

// torrent_get_text one view at a time, so a caller never holds every view at once.
class torrent_get_writer {
public:
  explicit torrent_get_writer(const torrent_get_request& request);
  void add(const torrent_view& v);
  std::string finish() &&; // `{"torrents":[...]}`

private:
  std::vector<std::pair<const std::string*, const void*>> getters_; // name, field function
  bool table_ = false;
  bool first_ = true;
  std::string out_;
};

// Which torrents a call's `ids` names: all (absent), "recently-active", one
// id, or a list of ids and hash strings. nullopt (and `error`) when malformed.
struct id_selection {
  bool all = false;
  bool recently_active = false;
  std::vector<int> ids;
  std::vector<std::string> hashes; // lower-case hex
  bool matches(int id, const std::string& hash_hex) const;
};
std::optional<id_selection> parse_ids(const nlohmann::json& arguments, std::string& error);

} // namespace actorrent::rpc
