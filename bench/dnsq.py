#!/usr/bin/env python3
"""dnsq.py -- tiny DNS probes for the bench scripts (stdlib only).

  dnsq.py wait-soa PORT TIMEOUT [PID]   poll 127.0.0.1:PORT for the SOA of bench.test. every 5 ms;
                                        print the wall-clock time (epoch s) of the first answer
                                        (NOERROR with an answer). Exit 1 on timeout or if PID exits.
  dnsq.py percentile FILE P             p-th percentile (ms) of the latencies in a `dnsperf -v` log
  dnsq.py reload-window TIMELINE FROM TO
                                        from a `qgen -o` timeline: the longest gap between answers
                                        that overlaps [FROM, TO] seconds, the longest outside it, and
                                        the fewest answers per bin inside it (q/s); TO may be "-"
"""
import os
import random
import socket
import struct
import sys
import time


def query(name, qtype):
    wire = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0"
    qid = random.randrange(65536)
    return qid, struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0) + wire + struct.pack("!HH", qtype, 1)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_soa(port, timeout, pid=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.005)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        qid, msg = query("bench.test.", 6)
        try:
            s.sendto(msg, ("127.0.0.1", port))
            while True:
                data = s.recv(4096)
                if len(data) >= 12:
                    rid, flags, _, ancount = struct.unpack("!HHHH", data[:8])
                    if rid == qid and flags & 0x8000 and flags & 0xF == 0 and ancount > 0:
                        print(f"{time.time():.6f}")
                        return 0
        except (socket.timeout, ConnectionRefusedError):
            pass
        if pid is not None and not alive(pid):
            print(f"dnsq: process {pid} exited", file=sys.stderr)
            return 1
    print(f"dnsq: no SOA answer on port {port} in {timeout}s", file=sys.stderr)
    return 1


def percentile(path, p):
    # `dnsperf -v` prints one line per answer: "> NOERROR name type latency-in-seconds"
    lat = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("> "):
                parts = line.split()
                try:
                    lat.append(float(parts[-1]))
                except (ValueError, IndexError):
                    pass
    if not lat:
        print("nan")
        return 1
    lat.sort()
    k = min(len(lat) - 1, int(round(p / 100.0 * len(lat) + 0.5)) - 1)
    print(f"{lat[max(k, 0)] * 1000:.3f}")
    return 0


def reload_window(path, start, end):
    start = float(start)
    end = float(end) if end != "-" else float("inf")
    gap_in, gap_out, bins = 0.0, 0.0, []
    with open(path) as f:
        for line in f:
            p = line.split()
            if p[0] == "bin":
                t, q = float(p[1]), float(p[2])
                if t > 0 and start <= t + 0.1 and t <= end:
                    bins.append(q)
                continue
            t, gap = float(p[0]), float(p[1])
            if start <= t + gap / 1000 and t <= end:
                gap_in = max(gap_in, gap)
            else:
                gap_out = max(gap_out, gap)
    def show(gap):  # the timeline lists gaps over 10 ms only
        return f"{gap:.1f}" if gap > 0 else "<10"
    print(f"{show(gap_in)} {show(gap_out)} {min(bins) if bins else 0:.0f}")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "wait-soa":
        pid = int(argv[4]) if len(argv) > 4 else None
        return wait_soa(int(argv[2]), float(argv[3]), pid)
    if len(argv) == 4 and argv[1] == "percentile":
        return percentile(argv[2], float(argv[3]))
    if len(argv) == 5 and argv[1] == "reload-window":
        return reload_window(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
