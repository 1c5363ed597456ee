#!/usr/bin/python3
"""Many small seeding torrents in one daemon: actorrent beside transmission-daemon
and qbittorrent-nox, in the same run (issue 16's scale benchmark).

  bench/scale.py [--n 1000] [--clients actorrent,transmission,qbittorrent]
                 [--idle 60] [--json FILE] [--markdown FILE]

N single-file torrents of 16-64 KiB (16 KiB pieces) with their data present,
announced to a loopback opentracker, are added one API call each (Transmission
RPC torrent-add with the metainfo for actorrent and transmission-daemon, the
WebUI's /api/v2/torrents/add for qBittorrent) into a fresh state. Figures:
  add -> seeding   seconds from the first add until every torrent is seeding
  peak RSS         VmHWM of the process, and RSS of the empty process
  threads          /proc/PID/status once all seed
  idle CPU         user+sys over --idle seconds once all seed
  list all         median of 5 listings of every torrent (the fields a torrent
                   list shows: transmission-remote -l's, qBittorrent's info)
  restart          SIGTERM, start again, seconds until every torrent seeds
Each client runs alone, one after another, on 127.0.0.1 only; queueing and DHT
are off in all three so that nothing but the work itself is timed.
"""
import argparse, base64, http.client, json, os, platform, random, shutil, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "build", "actorrent")
LIST_FIELDS = ["id", "name", "status", "percentDone", "rateDownload", "rateUpload", "uploadRatio", "eta",
               "sizeWhenDone", "leftUntilDone", "error", "errorString", "peersConnected", "isFinished"]
SEEDING_QBT = {"uploading", "stalledUP", "forcedUP"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def kib(status, key):
    return int(status.get(key, "0 kB").split()[0])


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until(pred, limit, what, pace=0.2):
    deadline = time.time() + limit
    while True:
        r = pred()
        if r:
            return r
        if time.time() > deadline:
            sys.exit(f"timed out: {what}")
        time.sleep(pace)


# --- the torrents -----------------------------------------------------------

def make_torrents(work, n):
    import libtorrent as lt
    data = os.path.join(work, "data")
    tdir = os.path.join(work, "torrents")
    os.makedirs(data)
    os.makedirs(tdir)
    tport = free_port()
    announce = f"http://127.0.0.1:{tport}/announce"
    rnd = random.Random(16)
    hashes = []
    for i in range(n):
        name = f"f{i:06d}.bin"
        with open(os.path.join(data, name), "wb") as f:
            f.write(rnd.randbytes(rnd.randint(16, 64) * 1024))
        fs = lt.file_storage()
        lt.add_files(fs, os.path.join(data, name))
        ct = lt.create_torrent(fs, 16 * 1024, flags=lt.create_torrent.v1_only)
        ct.add_tracker(announce)
        lt.set_piece_hashes(ct, data)
        body = lt.bencode(ct.generate())
        with open(os.path.join(tdir, f"{i:06d}.torrent"), "wb") as f:
            f.write(body)
        hashes.append(str(lt.torrent_info(lt.bdecode(body)).info_hashes().v1))
    with open(os.path.join(work, "whitelist"), "w") as f:
        f.write("\n".join(hashes) + "\n")
    # opentracker drops to nobody after its chroot: its folder and whitelist
    # must be readable by others (mkdtemp makes 0700; then every announce is
    # refused as "not authorized" and every client retries with backoff).
    os.chmod(work, 0o755)
    os.chmod(os.path.join(work, "whitelist"), 0o644)
    tracker = subprocess.Popen(["opentracker", "-i", "127.0.0.1", "-p", str(tport), "-P", str(tport), "-w", "whitelist",
                                "-d", work], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    return data, sorted(os.path.join(tdir, t) for t in os.listdir(tdir)), tracker


# --- Transmission's RPC (actorrent and transmission-daemon) ---------------------

class transmission_rpc:
    def __init__(self, port):
        self.port, self.sid, self.conn = port, "", None

    def call(self, method, arguments=None, timeout=600):
        body = json.dumps({"method": method, "arguments": arguments or {}})
        for _ in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
                    self.conn.connect()
                self.conn.sock.settimeout(timeout)  # a kept connection takes this call's timeout
                self.conn.request("POST", "/transmission/rpc", body,
                                  {"X-Transmission-Session-Id": self.sid, "Content-Type": "application/json"})
                r = self.conn.getresponse()
                data = r.read()
                if r.status == 409:
                    self.sid = r.getheader("X-Transmission-Session-Id", "")
                    continue
                if r.status != 200:
                    raise RuntimeError(f"{method}: HTTP {r.status}")
                return json.loads(data)
            except (OSError, http.client.HTTPException):
                self.conn = None
                raise
        raise RuntimeError(f"{method}: no session id")

    def up(self):
        try:
            return self.call("session-get", timeout=2).get("result") == "success"
        except (OSError, http.client.HTTPException, RuntimeError, ValueError):
            self.conn = None
            return False

    def add(self, torrent, data):
        with open(torrent, "rb") as f:
            meta = base64.b64encode(f.read()).decode()
        r = self.call("torrent-add", {"metainfo": meta, "download-dir": data})
        if r.get("result") != "success":
            raise RuntimeError(f"torrent-add: {r.get('result')}")

    def listing(self):
        return self.call("torrent-get", {"fields": LIST_FIELDS})["arguments"]["torrents"]

    def seeding(self, n):
        t = self.listing()
        return len(t) == n and all(x["status"] == 6 for x in t)


# --- qBittorrent's WebUI API ------------------------------------------------------

class qbittorrent_api:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, body=None, headers=None, timeout=600):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body, headers or {})
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                raise RuntimeError(f"{path}: HTTP {r.status} {data[:100]!r}")
            return data
        finally:
            conn.close()

    def up(self):
        try:
            return bool(self.request("GET", "/api/v2/app/version", timeout=2))
        except (OSError, http.client.HTTPException, RuntimeError):
            return False

    def set_preferences(self, prefs):
        body = urllib.parse.urlencode({"json": json.dumps(prefs)})
        self.request("POST", "/api/v2/app/setPreferences", body, {"Content-Type": "application/x-www-form-urlencoded"})

    def add(self, torrent, data):
        boundary = "actorrentbench"
        with open(torrent, "rb") as f:
            blob = f.read()
        parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"savepath\"\r\n\r\n{data}\r\n".encode(),
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"torrents\"; filename=\"t.torrent\"\r\n"
                 f"Content-Type: application/x-bittorrent\r\n\r\n".encode() + blob + b"\r\n",
                 f"--{boundary}--\r\n".encode()]
        self.request("POST", "/api/v2/torrents/add", b"".join(parts),
                     {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def listing(self):
        return json.loads(self.request("GET", "/api/v2/torrents/info"))

    def seeding(self, n):
        t = self.listing()
        return len(t) == n and all(x["state"] in SEEDING_QBT for x in t)


# --- the clients ------------------------------------------------------------------

class client:
    def __init__(self, kind, work, data):
        self.kind, self.data = kind, data
        self.state = os.path.join(work, f"state-{kind}")
        os.makedirs(self.state)
        self.port, self.peer_port = free_port(), free_port()
        self.proc = None
        if kind == "qbittorrent":
            conf = os.path.join(self.state, "qBittorrent", "config")
            os.makedirs(conf)
            with open(os.path.join(conf, "qBittorrent.conf"), "w") as f:
                f.write("[LegalNotice]\nAccepted=true\n\n[Preferences]\nWebUI\\LocalHostAuth=false\n"
                        f"WebUI\\Address=127.0.0.1\nWebUI\\Port={self.port}\nWebUI\\CSRFProtection=false\n"
                        "WebUI\\HostHeaderValidation=false\n")
            self.api = qbittorrent_api(self.port)
        else:
            self.api = transmission_rpc(self.port)

    def command(self):
        if self.kind == "actorrent":
            return [BINARY, "daemon", "--no-dht", "-p", str(self.peer_port), "--state-dir", self.state, "--download-dir",
                    self.data, "--rpc-bind", f"127.0.0.1:{self.port}"]
        if self.kind == "transmission":
            return ["transmission-daemon", "-f", "-g", self.state, "-p", str(self.port), "-P", str(self.peer_port), "-T",
                    "-r", "127.0.0.1", "-a", "127.0.0.1", "-O", "-Y", "-M", "-w", self.data, "--log-error"]
        return ["qbittorrent-nox", f"--profile={self.state}", f"--webui-port={self.port}"]

    def start(self):
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.state, "log"), "a"),
                                     start_new_session=True)
        wait_until(lambda: self.proc.poll() is None and self.api.up(), 120, f"{self.kind} RPC", pace=0.05)

    def configure(self):
        if self.kind == "actorrent":
            self.api.call("session-set", {"download-queue-enabled": False, "seed-queue-enabled": False})
        elif self.kind == "transmission":
            self.api.call("session-set", {"download-queue-enabled": False, "seed-queue-enabled": False, "dht-enabled": False,
                                          "pex-enabled": False, "lpd-enabled": False, "utp-enabled": False})
        else:
            self.api.set_preferences({"queueing_enabled": False, "dht": False, "pex": False, "lsd": False, "upnp": False,
                                      "listen_port": self.peer_port, "save_path": self.data, "max_connec": -1,
                                      "max_connec_per_torrent": -1})

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def measure(kind, work, data, torrents, idle_s):
    c = client(kind, work, data)
    try:
        return measure_client(c, kind, data, torrents, idle_s)
    finally:
        if c.proc and c.proc.poll() is None:  # a failed run leaves nothing behind
            c.proc.kill()
            c.proc.wait()


def measure_client(c, kind, data, torrents, idle_s):
    n = len(torrents)
    c.start()
    c.configure()
    time.sleep(2)  # pacing only: let the empty process settle before its RSS is read
    empty_rss = kib(proc_status(c.proc.pid), "VmRSS")
    t0 = time.time()
    for t in torrents:
        c.api.add(t, data)
    added = time.time() - t0
    wait_until(lambda: c.api.seeding(n), 3600, f"{kind}: all seeding", pace=0.5)
    to_seeding = time.time() - t0
    status = proc_status(c.proc.pid)
    threads = int(status["Threads"])
    cpu0 = cpu_seconds(c.proc.pid)
    time.sleep(idle_s)  # the measurement itself: CPU used while nothing happens
    idle_cpu = cpu_seconds(c.proc.pid) - cpu0
    lists = []
    for _ in range(5):
        s = time.perf_counter()
        assert len(c.api.listing()) == n
        lists.append(time.perf_counter() - s)
    peak = kib(proc_status(c.proc.pid), "VmHWM")
    c.stop()
    t1 = time.time()
    c.start()
    wait_until(lambda: c.api.seeding(n), 3600, f"{kind}: all seeding after the restart", pace=0.2)
    restart = time.time() - t1
    c.stop()
    row = {"client": kind, "n": n, "add_calls_s": round(added, 2), "to_seeding_s": round(to_seeding, 2),
           "peak_rss_kib": peak, "empty_rss_kib": empty_rss, "threads": threads, "idle_cpu_s": round(idle_cpu, 3),
           "idle_s": idle_s, "list_ms": round(statistics.median(lists) * 1000, 2), "restart_s": round(restart, 2),
           "per_torrent_kib": round((peak - empty_rss) / n, 2)}
    print(json.dumps(row), flush=True)
    return row


def markdown(rows):
    out = ["| client, N | add → all seeding | peak RSS (empty) | per torrent | threads | idle CPU /60 s | list all | restart → all seeding |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        idle = r["idle_cpu_s"] * 60 / r["idle_s"]
        out.append(f"| {r['client']}, {r['n']:,} | {r['to_seeding_s']:.1f} s | {r['peak_rss_kib'] / 1024:.1f} MiB "
                   f"({r['empty_rss_kib'] / 1024:.1f}) | {r['per_torrent_kib']:.1f} KiB | {r['threads']} | {idle:.2f} s | "
                   f"{r['list_ms']:.1f} ms | {r['restart_s']:.1f} s |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--clients", default="actorrent,transmission,qbittorrent")
    ap.add_argument("--idle", type=int, default=60)
    ap.add_argument("--json")
    ap.add_argument("--markdown")
    a = ap.parse_args()
    for kind in a.clients.split(","):
        need = {"actorrent": BINARY, "transmission": shutil.which("transmission-daemon"),
                "qbittorrent": shutil.which("qbittorrent-nox")}[kind]
        if not need or not os.path.exists(need):
            sys.exit(f"{kind} is not installed (bench/run.sh scale installs transmission-daemon and qbittorrent-nox)")
    work = tempfile.mkdtemp(prefix=f"actorrent-scale-{a.n}-")
    tracker = None
    try:
        data, torrents, tracker = make_torrents(work, a.n)
        rows = [measure(kind, work, data, torrents, a.idle) for kind in a.clients.split(",")]
    finally:
        if tracker:
            tracker.kill()
        shutil.rmtree(work, ignore_errors=True)
    table = markdown(rows)
    print(f"\n{platform.node()}, {os.cpu_count()} cores, N = {a.n}\n\n{table}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
