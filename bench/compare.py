#!/usr/bin/python3
"""actorrent beside libtorrent and aria2c, on the same loopback swarm, in the same run.

  bench/run.sh [--runs N] [--cases C1,C2,...] [--json FILE] [--markdown FILE]
  (bench/run.sh installs what is missing, builds Release, then runs this script)

For each case a swarm is set up with tests/fixtures/swarm.py (opentracker and
libtorrent seeders on 127.0.0.1), then the leechers run one after another in a
rotating order, --runs times each (default 3):
  actorrent   build/actorrent --no-seed            done = process exit
  libtorrent  python3-libtorrent (the fixture)     done = status turns seeding
  aria2c      aria2c --seed-time=0                 done = its download-complete hook
Each download is checked byte for byte (not timed) and deleted. Figures per run:
wall seconds from launch to done, MiB/s, CPU seconds (user+sys, whole process,
start to exit) per GiB, peak RSS (ru_maxrss). libtorrent's RSS counts the file
pages it maps (it does disk I/O through mmap). In the 100k-file case done is
every client's process exit (the files hold the data), each run in a folder of
its own. Medians go in the table, with actorrent/libtorrent ratios and the
issue-7 targets marked met or missed.

The upload case starts no seeder: actorrent, then libtorrent (alternating), seed
the payload to the same libtorrent leecher; the leecher's wall time, and the
seeder's CPU during the transfer and peak RSS, are compared.

Only 127.0.0.1 is used. Run with Debian's /usr/bin/python3 (python3-libtorrent).
"""
import argparse
import glob, json, os, platform, shutil, signal, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWARM = os.path.join(ROOT, "tests", "fixtures", "swarm.py")
BINARY = os.path.join(ROOT, "build", "actorrent")
PY = sys.executable
CLIENTS = ("actorrent", "libtorrent", "aria2c")

# name: (payload MiB, files, libtorrent seeders); "upload" has no seeder of its own.
CASES = {
    "1gib-1seeder": (1024, 1, 1),
    "1gib-3seeders": (1024, 1, 3),
    "256mib-300files": (256, 300, 1),
    "scale-256mib": (256, 1, 1),
    "scale-4gib": (4096, 1, 1),
    "upload-1gib": (1024, 1, 0),
    "100k-1byte-files": (100000 / 2**20, 100000, 1),  # issue 15: time per byte, not per file (target: within 3x libtorrent)
}
SETUP_EXTRA = {"100k-1byte-files": ["--file-bytes", "1"]}
# Per-file cases. Done = the files hold the data, for every client: its process
# exit (libtorrent turns "seeding" once the one piece is hashed in memory, and
# its disk threads then take seconds to create the 100,000 files; its session
# waits for them on exit). Each run downloads into a folder of its own, deleted
# only at the end of the case: ext4 skips inodes freed in the last seconds
# (longer while their table block is dirty) when it allocates, so 100,000 files
# created just after 100,000 were deleted cost whoever comes next up to 10x.
PER_FILE_CASES = {"100k-1byte-files"}
SCALING = ("scale-256mib", "1gib-1seeder", "scale-4gib")
TARGETS = {"wall": 0.8, "cpu": 0.5, "rss_mib": 64}


def swarm(*args, capture=False):
    p = subprocess.run([PY, SWARM, *args], check=True, stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return json.loads(p.stdout.decode().strip().splitlines()[-1]) if capture else None


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def stop(pid):
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.05)
    os.killpg(pid, signal.SIGKILL)


def measured(cmd, log, timeout=900):
    """Runs cmd to its exit; returns start time, exit time, exit code and its rusage."""
    t0 = time.time()
    with open(log, "w") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.time() - t0 > timeout:
            stop(p.pid)
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.005)
    return t0, time.time(), os.waitstatus_to_exitcode(status), ru


def leech(client, work, dl, tmp, done_at_exit=False):
    """One timed download; the run's figures, verified."""
    torrent = os.path.join(work, "t.torrent")
    log = os.path.join(tmp, f"{client}.log")
    done_file = os.path.join(tmp, "done_at")
    if os.path.exists(done_file):
        os.remove(done_file)
    if client == "actorrent":
        cmd = [BINARY, "--no-seed", "--no-dht", "-q", "-p", "0", torrent, "-d", dl]
    elif client == "libtorrent":
        cmd = [PY, SWARM, "leech-libtorrent", work, dl]
    else:
        hook = os.path.join(tmp, "aria2-done.sh")
        with open(hook, "w") as f:
            f.write(f"#!/bin/sh\ndate +%s.%N > {done_file}\n")
        os.chmod(hook, 0o755)
        cmd = ["aria2c", "-q", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
               "--enable-peer-exchange=false", "--disable-ipv6=true", "--interface=127.0.0.1",
               "--file-allocation=none", "--seed-time=0", "--summary-interval=0",
               f"--on-bt-download-complete={hook}", "-d", dl, torrent]
    t0, t_exit, rc, ru = measured(cmd, log)
    done = t_exit
    if client == "libtorrent" and rc == 0:
        done = json.loads(open(log).read().strip().splitlines()[-1])["done_at"]
    elif client == "aria2c" and os.path.exists(done_file):
        done = float(open(done_file).read())
    ok = rc == 0 and subprocess.run([PY, SWARM, "verify", work, dl], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL).returncode == 0
    status_s = round(done - t0, 3)
    if done_at_exit:
        done = t_exit
    return {"ok": ok, "rc": rc, "wall_s": round(done - t0, 3), "status_s": status_s, "exit_s": round(t_exit - t0, 3),
            "cpu_s": round(ru.ru_utime + ru.ru_stime, 3), "user_s": round(ru.ru_utime, 3),
            "sys_s": round(ru.ru_stime, 3), "rss_mib": round(ru.ru_maxrss / 1024, 1)}


def proc_cpu(pid):
    """CPU seconds (user+sys) of a running process, all threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next((int(l.split()[1]) / 1024 for l in f if l.startswith("VmHWM:")), 0.0)


def seeders_listed(work):
    return swarm("scrape", work, capture=True)["complete"]


def upload_run(client, work, dl, tmp):
    """Times a libtorrent leecher against one seeder: actorrent or libtorrent."""
    src = os.path.join(work, "src")
    before = seeders_listed(work)
    if client == "actorrent":
        seeder = subprocess.Popen([BINARY, "-q", "-p", "0", os.path.join(work, "t.torrent"), "-d", src],
                                  stdout=open(os.path.join(tmp, "seeder.log"), "w"), stderr=subprocess.STDOUT,
                                  start_new_session=True)
        pid = seeder.pid
    else:
        pid = swarm("seed-libtorrent", work, src, capture=True)["pid"]
    try:
        deadline = time.time() + 120
        while seeders_listed(work) <= before:
            if time.time() > deadline:
                raise RuntimeError(f"the {client} seeder never announced itself")
            time.sleep(0.1)
        cpu0 = proc_cpu(pid)
        r = leech("libtorrent", work, dl, tmp)
        r["seeder_cpu_s"] = round(proc_cpu(pid) - cpu0, 3)
        r["seeder_rss_mib"] = round(peak_rss_mib(pid), 1)
    finally:
        stop(pid)
    return r


def median(runs, key):
    vals = [r[key] for r in runs if r["ok"] and key in r]
    return round(statistics.median(vals), 3) if vals else None


def summarize(case, size_mib, runs):
    gib = size_mib / 1024
    out = {}
    for client, rs in runs.items():
        if not rs:
            continue
        m = {k: median(rs, k) for k in ("wall_s", "cpu_s", "rss_mib")}
        if any("seeder_cpu_s" in r for r in rs):  # upload: the seeder's figures, the leecher's time
            m["cpu_s"], m["rss_mib"] = median(rs, "seeder_cpu_s"), median(rs, "seeder_rss_mib")
        m["mib_s"] = round(size_mib / m["wall_s"], 1) if m["wall_s"] else None
        m["cpu_per_gib"] = round(m["cpu_s"] / gib, 3) if m["cpu_s"] is not None else None
        m["ok"] = f"{sum(r['ok'] for r in rs)}/{len(rs)}"
        out[client] = m
    a, lt = out.get("actorrent"), out.get("libtorrent")
    ratio = {}
    if a and lt and a["wall_s"] and lt["wall_s"]:
        # Three decimals: a target is met or missed on the ratio itself, not on its rounding.
        ratio = {"wall": round(a["wall_s"] / lt["wall_s"], 3), "cpu_per_gib": round(a["cpu_per_gib"] / lt["cpu_per_gib"], 3),
                 "rss": round(a["rss_mib"] / lt["rss_mib"], 3)}
    return out, ratio


def machine():
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    commit = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", ROOT, "diff", "--quiet", "HEAD"]).returncode != 0
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit + ("+changes" if dirty else ""),
            "cpu": cpu, "cores": os.cpu_count(), "mem_mib": mem, "kernel": platform.release(),
            "load_at_start": os.getloadavg()[0],
            "libtorrent": first_line([PY, "-c", "import libtorrent; print(libtorrent.__version__)"]),
            "aria2c": first_line(["aria2c", "--version"]), "actorrent": first_line([BINARY, "--version"])}


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def table(results):
    """The results as Markdown table rows (printed to the terminal too)."""
    lines = ["| case | client | wall s | MiB/s | CPU s/GiB | peak RSS MiB | runs ok |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for name, c in results["cases"].items():
        for client, m in c["median"].items():
            label = f"{client} → lt leecher" if name.startswith("upload") else client
            cpu = m["cpu_per_gib"]
            lines.append(f"| {name} | {label} | {fmt(m['wall_s'], '.2f')} | {fmt(m['mib_s'], '.1f')} | "
                         f"{fmt(cpu, '.2f')} | {fmt(m['rss_mib'], '.1f')} | {m['ok']} |")
        r = c["ratio"]
        if r:
            cpu_ratio = r["cpu_per_gib"]
            lines.append(f"| {name} | **actorrent / libtorrent** | **{r['wall']}** | | **{cpu_ratio}** | "
                         f"**{r['rss']}** | |")
    return lines


def verdicts(results):
    lines = []
    for name, c in results["cases"].items():
        r, a = c["ratio"], c["median"].get("actorrent", {})
        if not r:
            lines.append(f"{name}: no comparison (a client failed every run)")
            continue
        if name.startswith("upload"):
            ok = r["wall"] <= 1.0
            lines.append(f"{name}: seeding throughput {'>=' if ok else '<'} libtorrent's "
                         f"(leecher wall time ratio {r['wall']}) — {'met' if ok else 'MISSED'}")
            continue
        if name == "100k-1byte-files":  # a per-file cost case: bytes are few, CPU per GiB means nothing
            ok = r["wall"] <= 3.0
            lines.append(f"{name}: wall ratio {r['wall']} (target <= 3) — {'met' if ok else 'MISSED'}")
            continue
        for key, target in (("wall", TARGETS["wall"]), ("cpu_per_gib", TARGETS["cpu"])):
            lines.append(f"{name}: {key} ratio {r[key]} (target <= {target}) — {'met' if r[key] <= target else 'MISSED'}")
        rss = a.get("rss_mib")
        lines.append(f"{name}: actorrent peak RSS {rss} MiB (target <= {TARGETS['rss_mib']}) — "
                     f"{'met' if rss is not None and rss <= TARGETS['rss_mib'] else 'MISSED'}")
    scale = [(results["cases"][n]["size_mib"], results["cases"][n]["median"].get("actorrent"))
             for n in SCALING if n in results["cases"]]
    scale = [(s, m) for s, m in scale if m and m["wall_s"]]
    if len(scale) >= 2:
        per_gib = [m["wall_s"] / (s / 1024) for s, m in scale]
        rss = [m["rss_mib"] for s, m in scale]
        lines.append("scaling (actorrent): " + ", ".join(f"{s} MiB {m['wall_s']:.2f} s ({p:.2f} s/GiB, {m['rss_mib']} MiB RSS)"
                                                         for (s, m), p in zip(scale, per_gib)))
        # Linear: the time per GiB never grows by more than a quarter from one
        # size to the next. Flat: past the smallest size (which ends before its
        # buffers fill), peak RSS does not grow with the size.
        linear = all(b <= 1.25 * a for a, b in zip(per_gib, per_gib[1:]))
        flat = max(rss[1:]) <= rss[1] + 8 if len(rss) > 2 else True
        lines.append(f"scaling: time per GiB {' -> '.join(f'{p:.2f}' for p in per_gib)} s "
                     f"({'linear or better' if linear else 'NOT linear'}); peak RSS {' -> '.join(str(r) for r in rss)} MiB "
                     f"({'flat' if flat else 'NOT flat'})")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs per client and case (default 3)")
    ap.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, from: {', '.join(CASES)}")
    ap.add_argument("--json", default=os.path.join(ROOT, "build", "bench-compare.json"), help="results as JSON")
    ap.add_argument("--markdown", help="also write the table and verdicts as Markdown")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (logs, payloads)")
    ap.add_argument("--report", metavar="JSON", help="print the table and verdicts of an earlier run's JSON, run nothing")
    a = ap.parse_args()
    if a.report:
        results = json.load(open(a.report))
        for name, c in results["cases"].items():
            c["median"], c["ratio"] = summarize(name, c["size_mib"], c["runs"])
        m = results["machine"]
        print(f"medians of {results['runs']} runs; {m['date']}, commit {m['commit']}, {m['cpu']}, {m['cores']} cores, "
              f"kernel {m['kernel']}; libtorrent {m['libtorrent']}, {m['aria2c']}")
        print("\n".join(table(results) + [""] + [f"- {v}" for v in verdicts(results)]))
        return
    names = [n for n in a.cases.split(",") if n]
    for n in names:
        if n not in CASES:
            sys.exit(f"unknown case {n!r}; cases: {', '.join(CASES)}")
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"{BINARY} is missing: run bench/run.sh (it builds Release first)")

    results = {"machine": machine(), "runs": a.runs, "cases": {}}
    print("machine: " + json.dumps(results["machine"]), flush=True)
    tmp = tempfile.mkdtemp(prefix="actorrent-bench-")
    try:
        for name in names:
            size_mib, files, seeders = CASES[name]
            work = os.path.join(tmp, name)
            print(f"\n{name}: {size_mib:g} MiB in {files} file(s), {seeders} libtorrent seeder(s); setting up...", flush=True)
            try:
                swarm("setup", work, "--size-kib", str(max(1, round(size_mib * 1024))), "--files", str(files), "--seeders", str(seeders),
                      *SETUP_EXTRA.get(name, []))
            except subprocess.CalledProcessError as e:
                print(f"  setup failed ({e}); case skipped", flush=True)
                swarm("teardown", work)
                continue
            upload = name.startswith("upload")
            order = ["actorrent", "libtorrent"] if upload else list(CLIENTS)
            runs = {c: [] for c in order}
            try:
                for i in range(a.runs):
                    for client in order[i % len(order):] + order[:i % len(order)]:  # rotate who goes first
                        per_file = name in PER_FILE_CASES
                        dl = fresh(os.path.join(tmp, f"dl-{client}-{i}" if per_file else "dl"))
                        try:
                            r = upload_run(client, work, dl, tmp) if upload else leech(client, work, dl, tmp, per_file)
                        except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as e:
                            r = {"ok": False, "error": str(e)}  # one failed run, not a lost benchmark
                        runs[client].append(r)
                        print(f"  {client:10} run {i + 1}: {json.dumps(r)}", flush=True)
                        if not per_file:
                            shutil.rmtree(dl, ignore_errors=True)
            finally:
                for d in glob.glob(os.path.join(tmp, "dl-*")):
                    shutil.rmtree(d, ignore_errors=True)
                swarm("teardown", work)
                if not a.keep:
                    shutil.rmtree(work, ignore_errors=True)
            med, ratio = summarize(name, size_mib, runs)
            results["cases"][name] = {"size_mib": size_mib, "files": files, "seeders": seeders, "runs": runs,
                                      "median": med, "ratio": ratio}
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    lines = table(results)
    checks = verdicts(results)
    m = results["machine"]
    print(f"\nmedians of {a.runs} runs; {m['date']}, commit {m['commit']}, {m['cpu']}, {m['cores']} cores, "
          f"kernel {m['kernel']}; libtorrent {m['libtorrent']}, {m['aria2c']}")
    print("\n".join(lines))
    print("\n".join(checks))
    results["verdicts"] = checks
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nJSON: {a.json}")
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("\n".join(lines) + "\n\n" + "\n".join(f"- {c}" for c in checks) + "\n")
    every_ok = all(r["ok"] for c in results["cases"].values() for r in c["runs"].get("actorrent", []))
    sys.exit(0 if every_ok else 1)


if __name__ == "__main__":
    main()
