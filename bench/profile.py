#!/usr/bin/python3
"""Where a download's CPU goes: actorrent under `perf record`, samples by cause.

  bench/profile.py [--size-mib N] [--seeders K] [--keep-perf FILE]

Sets up a loopback swarm (tests/fixtures/swarm.py), downloads it once with
build/actorrent --no-seed under `perf record -g` (software clock, so it works
in VMs), then files every sample under the first matching cause in its stack
(SHA-1, writing to the page cache, fsync writeback, socket receive, thread
wake-ups, epoll, page faults, memcpy, malloc, CAF, actorrent's own code...).
It also reports what the libtorrent seeder(s) spent in the same seconds, busiest
thread first: a seeder thread near 100% of a core sets the pace, whatever the
leecher does. Needs linux-perf; run with /usr/bin/python3.
"""
import argparse, collections, json, os, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWARM = os.path.join(ROOT, "tests", "fixtures", "swarm.py")
BINARY = os.path.join(ROOT, "build", "actorrent")

# (cause, substrings of a frame's symbol or library). A sample goes to the
# first cause in this list that any frame of its stack matches: a memcpy
# inside pwrite counts as pwrite, a context switch inside a futex wait as a
# wake-up, and "scheduling" keeps only what nothing else explains.
CAUSES = [
    ("SHA-1 (libcrypto)", ("libcrypto", "sha1_block", "SHA1")),
    ("fsync writeback (fdatasync)", ("fdatasync", "ext4_writepages", "do_writepages")),
    ("write to page cache (pwrite/pwritev)", ("pwrite", "generic_perform_write", "ext4_buffered_write_iter")),
    ("read back for hashing (pread)", ("pread",)),
    ("socket receive (recv)", ("recv", "tcp_recvmsg")),
    ("socket send", ("__send", "sendmsg", "tcp_sendmsg", "__libc_write")),
    ("thread wake-ups (futex, cond vars)", ("futex", "pthread_cond", "lll_lock")),
    ("epoll wait", ("epoll_wait",)),
    ("page faults", ("exc_page_fault", "asm_exc_page_fault")),
    ("memcpy/memmove", ("memmove", "memcpy")),
    ("malloc/free", ("malloc", "free", "_int_", "sysmalloc")),
    ("actorrent code", ("actorrent::",)),
    ("CAF runtime", ("libcaf_",)),
    ("scheduling/timers (kernel)", ("schedule", "hrtimer", "nanosleep")),
]


def categorize(perf_data):
    """Samples per cause, from `perf script` output."""
    out = subprocess.run(["perf", "script", "-i", perf_data, "-F", "comm,ip,sym,dso"], capture_output=True,
                         text=True, errors="replace").stdout
    counts, total = collections.Counter(), 0
    for block in out.split("\n\n"):
        frames = [l.strip() for l in block.strip().splitlines()[1:] if l.strip()]
        if not block.strip():
            continue
        total += 1
        cause = next((c for c, keys in CAUSES if any(k in f for f in frames for k in keys)), "other")
        counts[cause] += 1
    return counts, total


def thread_cpu(pid):
    """CPU seconds per thread of a live process: {tid: seconds}."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            fields = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
            out[tid] = (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--seeders", type=int, default=1)
    ap.add_argument("--keep-perf", help="keep perf.data here")
    a = ap.parse_args()
    if not shutil.which("perf"):
        sys.exit("perf is missing (Debian: linux-perf)")
    tmp = tempfile.mkdtemp(prefix="actorrent-profile-")
    work, dl, perf_data = os.path.join(tmp, "swarm"), os.path.join(tmp, "dl"), os.path.join(tmp, "perf.data")
    try:
        subprocess.run([sys.executable, SWARM, "setup", work, "--size-kib", str(a.size_mib * 1024), "--seeders",
                        str(a.seeders)], check=True, stdout=subprocess.DEVNULL)
        meta = json.load(open(os.path.join(work, "swarm.json")))
        seeders = meta["pids"][1:]  # the tracker comes first
        before = {p: thread_cpu(p) for p in seeders}
        os.makedirs(dl)
        t0 = time.time()
        rc = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "1999", "-g", "-o", perf_data, BINARY,
                             "--no-seed", "--no-dht", "-q", "-p", "0", os.path.join(work, "t.torrent"), "-d", dl]).returncode
        wall = time.time() - t0
        after = {p: thread_cpu(p) for p in seeders}
        ok = rc == 0 and subprocess.run([sys.executable, SWARM, "verify", work, dl], stdout=subprocess.DEVNULL).returncode == 0
        counts, total = categorize(perf_data)
        if a.keep_perf:
            shutil.copy(perf_data, a.keep_perf)
    finally:
        subprocess.run([sys.executable, SWARM, "teardown", work], stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)
    cpu_s = total / 1999
    print(f"actorrent, {a.size_mib} MiB from {a.seeders} libtorrent seeder(s): {wall:.2f} s wall under perf "
          f"({'verified' if ok else 'FAILED'}), {total} samples = {cpu_s:.2f} CPU-s, {cpu_s / (a.size_mib / 1024):.2f} CPU-s/GiB")
    for cause, n in counts.most_common():
        print(f"  {100 * n / total:5.1f}%  {n / 1999 / (a.size_mib / 1024):5.2f} s/GiB  {cause}")
    for p in seeders:
        spent = sorted(((after[p].get(t, 0) - before[p].get(t, 0)) for t in after[p]), reverse=True)
        print(f"libtorrent seeder pid {p}: {sum(spent):.2f} CPU-s during the download; busiest thread "
              f"{spent[0]:.2f} s = {100 * spent[0] / wall:.0f}% of one core")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
