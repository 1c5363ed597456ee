#!/usr/bin/python3
"""Hostile swarm benchmark: what six hostile peers cost a 128 MiB download.

  bench/hostile.py [--runs N] [--size-mib M] [--lt-runs K] [--json FILE]

Sets up two loopback swarms with tests/fixtures/swarm.py (opentracker and
one honest libtorrent seeder each); the second also holds six scripted hostile
peers (tests/fixtures/bad_peer.py): every block corrupt, a 4 GiB frame, a bad
bitfield, unchoke-then-silence, a request flood and a wrong info-hash. Times
actorrent (--no-seed, Release build in build/) in both, runs alternating, and
libtorrent (python3-libtorrent) the same way, then prints the medians and the
ratio hostile/clean for each. Target (issue 6): actorrent's ratio <= 1.5.
Everything stays on 127.0.0.1; run with /usr/bin/python3.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWARM = os.path.join(ROOT, "tests", "fixtures", "swarm.py")
BINARY = os.path.join(ROOT, "build", "actorrent")
HOSTILE = ["corrupt-all", "huge-frame", "bad-bitfield", "silent", "flood", "wrong-hash"]


def swarm(*args):
    subprocess.run([sys.executable, SWARM, *args], check=True, stdout=subprocess.DEVNULL)


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def time_actorrent(work, dl):
    t0 = time.monotonic()
    p = subprocess.run([BINARY, "--json", "--no-seed", "--no-dht", "-p", "0", os.path.join(work, "t.torrent"), "-d", dl],
                       capture_output=True, text=True, timeout=600)
    secs = time.monotonic() - t0
    last = json.loads(p.stdout.strip().splitlines()[-1]) if p.stdout.strip() else {}
    ok = p.returncode == 0 and subprocess.run([sys.executable, SWARM, "verify", work, dl],
                                              stdout=subprocess.DEVNULL).returncode == 0
    return {"seconds": round(secs, 3), "ok": ok, "banned": last.get("peers_banned"),
            "pieces_failed": last.get("pieces_failed"), "wasted_mib": round(last.get("bytes_wasted", 0) / 2**20, 1)}


def time_libtorrent(work, dl, timeout):
    t0 = time.monotonic()
    rc = subprocess.run([sys.executable, SWARM, "leech-libtorrent", work, dl, "--timeout", str(timeout)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    secs = time.monotonic() - t0
    ok = rc == 0 and subprocess.run([sys.executable, SWARM, "verify", work, dl],
                                    stdout=subprocess.DEVNULL).returncode == 0
    return {"seconds": round(secs, 3) if ok else None, "ok": ok, "timed_out_after": None if ok else timeout}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="actorrent runs per swarm (default 3)")
    ap.add_argument("--size-mib", type=int, default=128)
    ap.add_argument("--lt-runs", type=int, default=1, help="libtorrent runs per swarm (0: skip; default 1)")
    ap.add_argument("--lt-timeout", type=int, default=600)
    ap.add_argument("--json", help="also write the results here")
    a = ap.parse_args()
    if not os.path.exists(BINARY):
        subprocess.run([os.path.join(ROOT, "scripts", "build.sh"), "build", "-DCMAKE_BUILD_TYPE=Release"], check=True)
    tmp = tempfile.mkdtemp(prefix="actorrent-hostile-")
    clean, hostile = os.path.join(tmp, "clean"), os.path.join(tmp, "hostile")
    results = {"size_mib": a.size_mib, "hostile_peers": HOSTILE, "actorrent": {"clean": [], "hostile": []},
               "libtorrent": {"clean": [], "hostile": []}}
    try:
        size = str(a.size_mib * 1024)
        swarm("setup", clean, "--size-kib", size, "--seeders", "1")
        swarm("setup", hostile, "--size-kib", size, "--seeders", "1", *sum((["--hostile", m] for m in HOSTILE), []))
        for i in range(a.runs):
            for name, work in (("clean", clean), ("hostile", hostile)) if i % 2 == 0 else (("hostile", hostile), ("clean", clean)):
                r = time_actorrent(work, fresh(os.path.join(tmp, "dl")))
                results["actorrent"][name].append(r)
                print(f"actorrent  {name:8} run {i + 1}: {r}", flush=True)
        for i in range(a.lt_runs):
            for name, work in (("clean", clean), ("hostile", hostile)):
                r = time_libtorrent(work, fresh(os.path.join(tmp, "dl")), a.lt_timeout)
                results["libtorrent"][name].append(r)
                print(f"libtorrent {name:8} run {i + 1}: {r}", flush=True)
    finally:
        for w in (clean, hostile):
            if os.path.exists(w):
                subprocess.run([sys.executable, SWARM, "teardown", w], stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{a.size_mib} MiB, 1 honest libtorrent seeder, hostile swarm adds: {', '.join(HOSTILE)}")
    print(f"{'client':12}{'clean s':>10}{'hostile s':>11}{'ratio':>8}")
    for client in ("actorrent", "libtorrent"):
        c = [r["seconds"] for r in results[client]["clean"] if r["ok"]]
        h = [r["seconds"] for r in results[client]["hostile"] if r["ok"]]
        if not c:
            continue
        mc = statistics.median(c)
        mh = statistics.median(h) if h else None
        ratio = round(mh / mc, 2) if mh else None
        results[client]["median_clean_s"], results[client]["median_hostile_s"], results[client]["ratio"] = mc, mh, ratio
        print(f"{client:12}{mc:>10.2f}{(f'{mh:.2f}' if mh else 'timeout'):>11}{(str(ratio) if ratio else '-'):>8}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    ok = all(r["ok"] for r in results["actorrent"]["clean"] + results["actorrent"]["hostile"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
