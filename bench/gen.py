#!/usr/bin/env python3
"""gen.py -- the bench's one source zone, written for every server, plus dnsperf query files.

One description of `bench.test.` (static A/AAAA names, round-robin names with 4-8 members, geo
names with three pools) becomes:
  dnsd/zones/bench.test.toml + dnsd/zones/bench.static.zone   dnsd (balanced names as [balance.NAME],
                                                             bulk records in an included RFC 1035 file)
  rfc1035/bench.test.zone                                    NSD and Knot (balanced names as plain
                                                             RRsets: round-robin = all members, geo =
                                                             the default pool)
  gdnsd/zones/bench.test + the plugins part of gdnsd/config  gdnsd (DYNA multifo!NAME, DYNA geoip!NAME)
  geo.csv                                                    input of `dnsd-mmdb` -> bench.mmdb
  queries/static.txt, rr.txt                                 dnsperf text query files
  queries/geo.bin                                            dnsperf -B file: one query per client /24,
                                                             each with its own EDNS Client Subnet option
Usage: gen.py zones OUT [--static N] [--rr N] [--geo N] [--clients N] [--queries N] [--seed S]
       gen.py bulk OUT.zone NAMES ADDRS_PER_NAME [--soa]     (load-time zones, see loadtime.sh)
       gen.py toml OUT.toml NAMES                            (a pure-TOML zone of NAMES names)
Everything is deterministic for a given --seed.
"""
import argparse
import ipaddress
import os
import random
import struct
import sys

ORIGIN = "bench.test."
BALANCED_TTL = 30
STATIC_TTL = 3600
# Geo: one continent per /22 of the client space, cycling through these (country, continent,
# latitude, longitude). SA and AF clients fall through to `default`.
GEO_PLACES = [("DE", "EU", 50.11, 8.68), ("US", "NA", 39.04, -77.49), ("JP", "AS", 35.68, 139.75),
              ("BR", "SA", -23.55, -46.63), ("AU", "OC", -33.87, 151.21), ("ZA", "AF", -26.20, 28.05)]
GEO_POOLS = ["eu", "us", "ap"]
GEO_RULES = [("EU", ["eu", "us", "ap"]), ("NA", ["us", "eu", "ap"]), ("AS", ["ap", "us", "eu"]),
             ("OC", ["ap", "us", "eu"])]
GEO_DEFAULT = ["us", "eu", "ap"]
CLIENT_BASE = int(ipaddress.IPv4Address("20.0.0.0"))   # client /24s: 20.0.0.0/24, 20.0.1.0/24, ...
GEO_NET_BITS = 22                                       # database network size


def v4(n):
    return str(ipaddress.IPv4Address(n))


def static_a(i):
    return v4(int(ipaddress.IPv4Address("10.0.0.0")) + i)


def static_aaaa(i):
    return str(ipaddress.IPv6Address(int(ipaddress.IPv6Address("2001:db8:100::")) + i))


def rr_members(i):
    count = 4 + i % 5                                    # 4..8 members
    base = int(ipaddress.IPv4Address("198.18.0.0")) + i * 8
    return [v4(base + j) for j in range(count)]


def geo_pool(i, pool):
    base = int(ipaddress.IPv4Address("100.64.0.0")) + i * 8 + GEO_POOLS.index(pool) * 2
    return [v4(base), v4(base + 1)]


def soa_ns_text():
    return (f"$ORIGIN {ORIGIN}\n$TTL {STATIC_TTL}\n"
            f"@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
            f"@ IN NS ns1\nns1 IN A 192.0.2.53\n")


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def static_lines(n):
    out = []
    for i in range(n):
        out.append(f"h{i} IN A {static_a(i)}\n")
        out.append(f"h{i} IN AAAA {static_aaaa(i)}\n")
    return out


def gen_zones(a):
    out = a.out
    static = static_lines(a.static)

    # dnsd: TOML for the balanced names, the bulk static records in an included RFC 1035 file.
    write(f"{out}/dnsd/zones/bench.static.zone", f"$ORIGIN {ORIGIN}\n$TTL {STATIC_TTL}\n" + "".join(static))
    t = [f'# bench.test.toml -- written by bench/gen.py\norigin = "{ORIGIN}"\nttl = {STATIC_TTL}\n',
         'include = ["bench.static.zone"]\n\n',
         '[soa]\nprimary = "ns1"\ncontact = "hostmaster.bench.test."\nserial = 1\nrefresh = 7200\n'
         'retry = 3600\nexpire = 1209600\nnegative_ttl = 300\n\n',
         '[records]\n"@" = { NS = ["ns1"] }\nns1 = { A = "192.0.2.53" }\n\n']
    for i in range(a.rr):
        m = ", ".join(f'"{x}"' for x in rr_members(i))
        t.append(f'[balance.rr{i}]\nttl = {BALANCED_TTL}\npolicy = "round-robin"\nmembers = [{m}]\n\n')
    for i in range(a.geo):
        t.append(f'[balance.geo{i}]\nttl = {BALANCED_TTL}\npolicy = "geo"\n')
        for p in GEO_POOLS:
            m = ", ".join(f'"{x}"' for x in geo_pool(i, p))
            t.append(f"pools.{p} = {{ members = [{m}] }}\n")
        t.append(f"[balance.geo{i}.geo]\n")
        for cont, pools in GEO_RULES:
            t.append(f'"continent:{cont}" = [{", ".join(chr(34) + p + chr(34) for p in pools)}]\n')
        t.append(f'default = [{", ".join(chr(34) + p + chr(34) for p in GEO_DEFAULT)}]\n\n')
    write(f"{out}/dnsd/zones/bench.test.toml", "".join(t))

    # NSD and Knot: one plain RFC 1035 file.
    z = [soa_ns_text()] + static
    for i in range(a.rr):
        z.extend(f"rr{i} {BALANCED_TTL} IN A {x}\n" for x in rr_members(i))
    for i in range(a.geo):
        z.extend(f"geo{i} {BALANCED_TTL} IN A {x}\n" for x in geo_pool(i, GEO_DEFAULT[0]))
    write(f"{out}/rfc1035/bench.test.zone", "".join(z))

    # gdnsd: the same file with DYNA records, and the plugin stanza its config includes.
    g = [soa_ns_text()] + static
    g.extend(f"rr{i} {BALANCED_TTL} DYNA multifo!rr{i}\n" for i in range(a.rr))
    g.extend(f"geo{i} {BALANCED_TTL} DYNA geoip!geo{i}\n" for i in range(a.geo))
    write(f"{out}/gdnsd/zones/bench.test", "".join(g))
    p = ["plugins => {\n  multifo => {\n    service_types => up\n"]
    for i in range(a.rr):
        p.append(f"    rr{i} => {{ addrs_v4 => [ {', '.join(rr_members(i))} ] }}\n")
    p.append("  }\n  geoip => {\n    maps => {\n      benchmap => {\n")
    p.append(f"        geoip2_db => {os.path.abspath(out)}/bench.mmdb\n")
    p.append(f"        datacenters => [ {', '.join(GEO_DEFAULT)} ]\n        map => {{\n")
    for cont, pools in GEO_RULES:
        p.append(f"          {cont} => [ {', '.join(pools)} ]\n")
    p.append(f"          default => [ {', '.join(GEO_DEFAULT)} ]\n        }}\n      }}\n    }}\n")
    p.append("    resources => {\n")
    for i in range(a.geo):
        dcs = ", ".join(f"{pl} => [ {', '.join(geo_pool(i, pl))} ]" for pl in GEO_POOLS)
        p.append(f"      geo{i} => {{ map => benchmap, service_types => up, dcmap => {{ {dcs} }} }}\n")
    p.append("    }\n  }\n}\n")
    write(f"{out}/gdnsd/plugins.conf", "".join(p))

    # The geo database: one network per /22 of the client space, continents in turn.
    nets = (a.clients * 256 + (1 << (32 - GEO_NET_BITS)) - 1) >> (32 - GEO_NET_BITS)
    c = ["network,country,continent,subdivision,latitude,longitude\n"]
    for k in range(nets):
        cc, cont, lat, lon = GEO_PLACES[k % len(GEO_PLACES)]
        c.append(f"{v4(CLIENT_BASE + (k << (32 - GEO_NET_BITS)))}/{GEO_NET_BITS},{cc},{cont},,{lat},{lon}\n")
    write(f"{out}/geo.csv", "".join(c))

    gen_queries(a)


def gen_queries(a):
    rnd = random.Random(a.seed)
    q = []
    for _ in range(a.queries):
        r = rnd.random()
        if r < 0.4:
            q.append(f"h{rnd.randrange(a.static)}.{ORIGIN} A\n")
        elif r < 0.8:
            q.append(f"h{rnd.randrange(a.static)}.{ORIGIN} AAAA\n")
        else:
            q.append(f"nx{rnd.randrange(a.static)}.{ORIGIN} A\n")
    write(f"{a.out}/queries/static.txt", "".join(q))
    write(f"{a.out}/queries/rr.txt", "".join(f"rr{rnd.randrange(a.rr)}.{ORIGIN} A\n" for _ in range(a.queries)))

    # Geo: every client /24 appears; the order is shuffled, names are random.
    clients = []
    while len(clients) < max(a.queries, a.clients):
        block = list(range(a.clients))
        rnd.shuffle(block)
        clients.extend(block)
    blob = bytearray()
    for k, c in enumerate(clients):
        msg = query_wire(f"geo{rnd.randrange(a.geo)}.{ORIGIN}", 1, k & 0xFFFF, ecs=CLIENT_BASE + c * 256)
        blob += struct.pack("!H", len(msg)) + msg
    with open(f"{a.out}/queries/geo.bin", "wb") as f:
        f.write(blob)


def query_wire(name, qtype, qid, ecs=None):
    """A query with RD=0; with ecs (an IPv4 /24 as int), EDNS0 (1232) and a Client Subnet option."""
    wire = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0"
    arcount = 1 if ecs is not None else 0
    msg = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, arcount) + wire + struct.pack("!HH", qtype, 1)
    if ecs is not None:
        opt = struct.pack("!HBB", 1, 24, 0) + struct.pack("!I", ecs)[:3]       # RFC 7871 6
        opt = struct.pack("!HH", 8, len(opt)) + opt
        msg += b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(opt)) + opt
    return msg


def gen_bulk(a):
    """NAMES names with ADDRS A records each, for the load-time runs (--soa: a complete zone)."""
    with open(a.file, "w") as f:
        f.write(soa_ns_text() if a.soa else f"$ORIGIN {ORIGIN}\n$TTL {STATIC_TTL}\n")
        step = 1 << 16
        for lo in range(0, a.names, step):
            buf = []
            for i in range(lo, min(a.names, lo + step)):
                base = (10 << 24) + i * a.addrs
                for j in range(a.addrs):
                    n = base + j
                    buf.append(f"n{i} IN A {n >> 24 & 255}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}\n")
            f.write("".join(buf))


def gen_toml(a):
    """A pure-TOML zone of NAMES names (A + AAAA each), for the small-zone load time."""
    t = [f'origin = "{ORIGIN}"\nttl = {STATIC_TTL}\n\n[records]\n"@" = {{ NS = ["ns1"] }}\n'
         'ns1 = { A = "192.0.2.53" }\n']
    t.extend(f'h{i} = {{ A = "{static_a(i)}", AAAA = "{static_aaaa(i)}" }}\n' for i in range(a.names))
    write(a.file, "".join(t))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    z = sub.add_parser("zones")
    z.add_argument("out")
    z.add_argument("--static", type=int, default=100_000)
    z.add_argument("--rr", type=int, default=1000)
    z.add_argument("--geo", type=int, default=1000)
    z.add_argument("--clients", type=int, default=100_000)
    z.add_argument("--queries", type=int, default=200_000)
    z.add_argument("--seed", type=int, default=1)
    b = sub.add_parser("bulk")
    b.add_argument("file")
    b.add_argument("names", type=int)
    b.add_argument("addrs", type=int)
    b.add_argument("--soa", action="store_true")
    t = sub.add_parser("toml")
    t.add_argument("file")
    t.add_argument("names", type=int)
    a = ap.parse_args()
    {"zones": gen_zones, "bulk": gen_bulk, "toml": gen_toml}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
