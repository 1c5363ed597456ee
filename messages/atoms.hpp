#pragma once
// Message tags. Kept in our own namespace: CAF defines some of the same names.
#include <caf/atom.hpp>

namespace actorrent::msg {

using announce_atom = caf::atom_constant<caf::atom("announce")>;
using bitfield_atom = caf::atom_constant<caf::atom("bitfield")>;
using block_atom = caf::atom_constant<caf::atom("block")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using complete_atom = caf::atom_constant<caf::atom("complete")>;
using connect_atom = caf::atom_constant<caf::atom("connect")>;
using durable_atom = caf::atom_constant<caf::atom("durable")>;
using failed_atom = caf::atom_constant<caf::atom("failed")>;
using fatal_atom = caf::atom_constant<caf::atom("fatal")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using have_atom = caf::atom_constant<caf::atom("have")>;
using interrupt_atom = caf::atom_constant<caf::atom("interrupt")>;
using join_atom = caf::atom_constant<caf::atom("join")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using peers_atom = caf::atom_constant<caf::atom("peers")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using save_atom = caf::atom_constant<caf::atom("save")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using check_atom = caf::atom_constant<caf::atom("check")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using tracker_atom = caf::atom_constant<caf::atom("tracker")>;
using verified_atom = caf::atom_constant<caf::atom("verified")>;
using want_atom = caf::atom_constant<caf::atom("want")>;
using written_atom = caf::atom_constant<caf::atom("written")>;
using read_atom = caf::atom_constant<caf::atom("read")>;
using choke_atom = caf::atom_constant<caf::atom("choke")>;
using unchoke_atom = caf::atom_constant<caf::atom("unchoke")>;
using rate_atom = caf::atom_constant<caf::atom("rate")>;
using ban_atom = caf::atom_constant<caf::atom("ban")>;
using grant_atom = caf::atom_constant<caf::atom("grant")>;
using fault_atom = caf::atom_constant<caf::atom("fault")>;
using unstall_atom = caf::atom_constant<caf::atom("unstall")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
using udp_atom = caf::atom_constant<caf::atom("udp")>;
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;
using pex_atom = caf::atom_constant<caf::atom("pex")>;
using listen_atom = caf::atom_constant<caf::atom("listen")>;
using port_atom = caf::atom_constant<caf::atom("port")>;
using hello_atom = caf::atom_constant<caf::atom("hello")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using rpc_atom = caf::atom_constant<caf::atom("rpc")>;
using reannounce_atom = caf::atom_constant<caf::atom("reannounce")>;
using trackers_atom = caf::atom_constant<caf::atom("trackers")>;
using job_atom = caf::atom_constant<caf::atom("job")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using dialed_atom = caf::atom_constant<caf::atom("dialed")>;
using rest_atom = caf::atom_constant<caf::atom("rest")>;
using wake_atom = caf::atom_constant<caf::atom("wake")>;
using queue_atom = caf::atom_constant<caf::atom("queue")>;

} // namespace actorrent::msg
