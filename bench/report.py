#!/usr/bin/env python3
"""report.py -- medians, dnsd's ratios to each peer and issue #5's targets, from run.sh's TSV files.

usage: report.py RESULTS.tsv MEMORY.tsv MACHINE.md COMMANDS.txt [--write bench/RESULTS.md]
       report.py section bench/RESULTS.md NAME FILE     (callgrind.sh, loadtime.sh, health.sh: their section)
Prints the tables (markdown) to stdout; --write also saves them with machine, date and commands
as the "run" section of RESULTS.md, keeping the other sections.
"""
import csv
import statistics
import sys

WORKLOADS = {
    "static": "(a) static A/AAAA/NXDOMAIN mix (40/40/20), 100,000 names, UDP",
    "rr": "(b) round-robin names, 4-8 members, UDP",
    "geo": "(c) geo names, EDNS Client Subnet from 100,000 client /24s, UDP",
    "tcp": "(d) the static mix over TCP, 10 connections",
}
PEERS = ["nsd", "knot", "gdnsd"]


def med(xs):
    xs = [x for x in xs if x == x]  # drop NaN
    return statistics.median(xs) if xs else float("nan")


def fmt(x, digits=0):
    if x != x:
        return "-"
    return f"{x:,.{digits}f}"


def ratio(a, b):
    return a / b if a == a and b == b and b > 0 else float("nan")


def load(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def summarize(rows):
    """{workload: {server: {metric: median}}}"""
    out = {}
    for r in rows:
        out.setdefault(r["workload"], {}).setdefault(r["server"], {"sat": [], "lat": []})[r["kind"]].append(r)
    res = {}
    for w, servers in out.items():
        res[w] = {}
        for s, kinds in servers.items():
            sat, lat = kinds["sat"], kinds["lat"]
            cpu_sat = [float(r["cpu_s"]) * 1e6 / int(r["completed"]) if int(r["completed"]) else float("nan") for r in sat]
            cpu_lat = [float(r["cpu_s"]) * 1e6 / int(r["completed"]) if int(r["completed"]) else float("nan") for r in lat]
            user_sat = [float(r.get("user_s", "nan")) * 1e6 / int(r["completed"]) if int(r["completed"]) else float("nan") for r in sat]
            qps = [float(r["qps"]) for r in sat]
            sent = sum(int(r["completed"]) + int(r["lost"]) for r in sat)
            res[w][s] = {
                "qps": med(qps),
                "spread": 100.0 * (max(qps) - min(qps)) / med(qps) if qps and med(qps) > 0 else float("nan"),
                "user": med(user_sat),
                "cpu": med(cpu_sat),              # µs of server CPU per answer = ms per 1,000
                "cpu20k": med(cpu_lat),
                "mean": med([float(r["mean_ms"]) for r in lat]),
                "p99": med([float(r["p99_ms"]) for r in lat]),
                "lost": 100.0 * sum(int(r["lost"]) for r in sat) / sent if sent else float("nan"),
                "n": len(sat),
            }
    return res


def tables(res, mem):
    lines = []
    verdicts = []
    for w, title in WORKLOADS.items():
        if w not in res:
            continue
        servers = [s for s in ["dnsd"] + PEERS if s in res[w]]
        lines += [f"### {title}", "",
                  "| server | q/s at saturation | q/s spread | server CPU ms per 1k answers | of which user space "
                  "| CPU ms/1k at 20k q/s | mean ms at 20k q/s | p99 ms at 20k q/s | lost at saturation | runs |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for s in servers:
            m = res[w][s]
            note = " *" if w == "geo" and s in ("nsd", "knot") else ""
            lines.append(f"| {s}{note} | {fmt(m['qps'])} | {fmt(m['spread'])}% | {fmt(m['cpu'], 2)} | {fmt(m['user'], 2)} | {fmt(m['cpu20k'], 2)} | "
                         f"{fmt(m['mean'], 3)} | {fmt(m['p99'], 3)} | {fmt(m['lost'], 2)}% | {m['n']} |")
        if "dnsd" in res[w]:
            d = res[w]["dnsd"]
            for p in PEERS:
                if p not in res[w]:
                    continue
                m = res[w][p]
                lines.append(f"| dnsd ÷ {p} | {fmt(ratio(d['qps'], m['qps']), 2)} | | {fmt(ratio(d['cpu'], m['cpu']), 2)} | "
                             f"{fmt(ratio(d['user'], m['user']), 2)} | "
                             f"{fmt(ratio(d['cpu20k'], m['cpu20k']), 2)} | {fmt(ratio(d['mean'], m['mean']), 2)} | "
                             f"{fmt(ratio(d['p99'], m['p99']), 2)} | | |")
            verdicts += targets(w, res[w])
        if w == "geo":
            lines += ["", "\\* NSD and Knot have no geo selection: they serve each geo name as a static RRset "
                          "(the default pool) and ignore the ECS option. The comparison that counts is with gdnsd."]
        lines.append("")
    if mem:
        lines += ["### Memory and start-up (the bench zone)", "",
                  "| server | start → first SOA answer, s | RSS MiB | PSS MiB |", "|---|---:|---:|---:|"]
        for r in mem:
            lines.append(f"| {r['server']} | {r['load_s']} | {int(r['rss_kb']) / 1024:.1f} | {int(r['pss_kb']) / 1024:.1f} |")
        lines.append("")
    if verdicts:
        lines += ["### Issue #5 targets (this run)", ""] + [f"- {v}" for v in verdicts] + [""]
    return lines


def targets(w, r):
    """Issue #5's "Done when" lines that this workload decides."""
    d = r["dnsd"]
    peers = {p: r[p] for p in PEERS if p in r}
    out = []

    def check(ok, text):
        out.append(("PASS " if ok else "FAIL ") + text)

    if w in ("static", "rr", "tcp") and peers:
        best = max(peers, key=lambda p: peers[p]["qps"])
        check(d["qps"] >= 0.97 * peers[best]["qps"],
              f"{w}: dnsd q/s {fmt(d['qps'])} ≥ 0.97 × best peer ({best} {fmt(peers[best]['qps'])})")
    if w == "geo" and "gdnsd" in peers:
        check(d["qps"] >= 0.97 * peers["gdnsd"]["qps"],
              f"geo: dnsd q/s {fmt(d['qps'])} ≥ 0.97 × gdnsd ({fmt(peers['gdnsd']['qps'])})")
    if w == "static" and peers:
        best = min(peers, key=lambda p: peers[p]["cpu"])
        check(d["cpu"] <= peers[best]["cpu"],
              f"static: dnsd CPU {fmt(d['cpu'], 2)} ms/1k ≤ most efficient peer ({best} {fmt(peers[best]['cpu'], 2)})")
    if w in ("rr", "geo") and "gdnsd" in peers:
        check(d["cpu"] <= 0.9 * peers["gdnsd"]["cpu"],
              f"{w}: dnsd CPU {fmt(d['cpu'], 2)} ms/1k ≤ 0.9 × gdnsd ({fmt(peers['gdnsd']['cpu'], 2)})")
    if peers and w != "geo":
        best = min(peers, key=lambda p: peers[p]["p99"])
        check(d["p99"] <= peers[best]["p99"],
              f"{w}: dnsd p99 {fmt(d['p99'], 3)} ms ≤ best peer ({best} {fmt(peers[best]['p99'], 3)})")
    if w == "geo" and "gdnsd" in peers:
        check(d["p99"] <= peers["gdnsd"]["p99"],
              f"geo: dnsd p99 {fmt(d['p99'], 3)} ms ≤ gdnsd ({fmt(peers['gdnsd']['p99'], 3)})")
    return out


SECTIONS = ["run", "callgrind", "loadtime", "health"]
HEADER = ["# bench results", "",
          "Written by the bench scripts (see bench/README.md for what each number means): `run.sh` "
          "writes the first part, `callgrind.sh`, `loadtime.sh` and `health.sh` their own sections, each with its "
          "machine, date and commands. Numbers from a busy machine are noisy; instruction counts are not.", ""]


def update_section(path, name, text):
    """Replaces the <!-- section:NAME --> block of the results file (or adds it), keeping the others."""
    try:
        doc = open(path).read()
    except FileNotFoundError:
        doc = "\n".join(HEADER) + "\n"
    begin, end = f"<!-- section:{name} -->", f"<!-- /section:{name} -->"
    block = f"{begin}\n{text.rstrip()}\n{end}\n"
    if begin in doc and end in doc:
        doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end) + 1:]
    else:
        # keep the sections in SECTIONS order
        later = [f"<!-- section:{n} -->" for n in SECTIONS[SECTIONS.index(name) + 1:]]
        at = min([doc.index(m) for m in later if m in doc], default=len(doc))
        doc = doc[:at] + block + ("\n" if at < len(doc) else "") + doc[at:]
    with open(path, "w") as f:
        f.write(doc)


def main(argv):
    if len(argv) == 5 and argv[1] == "section":
        update_section(argv[2], argv[3], open(argv[4]).read())
        return 0
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    res = summarize(load(argv[1]))
    mem = load(argv[2])
    machine = open(argv[3]).read().rstrip()
    commands = open(argv[4]).read().rstrip()
    body = tables(res, mem)
    print("\n".join(body))
    if len(argv) >= 7 and argv[5] == "--write":
        doc = ["## Throughput, CPU per answer, latency, memory (`bench/run.sh`)", "",
               "Medians over the rounds; ratios are dnsd ÷ peer: above 1 is better for q/s, "
               "below 1 is better for CPU and latency.", "", machine, "", *body,
               "### Commands", "", "```text", commands, "```"]
        update_section(argv[6], "run", "\n".join(doc))
        print(f"(written to {argv[6]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
