"""Medians and goals of bench/peer's rounds (a TSV: one line per path and round).

    python3 bench/peer-report.py ROUNDS.tsv

Exits 1 when any round had a non-2xx answer: the figures would be about the wrong path.
"""
import csv
import statistics
import sys

PATHS = {
    "gateway": "nginx auth_request -> gateway /auth (bearer token)",
    "o2p": "nginx auth_request -> oauth2-proxy /oauth2/auth (session cookie)",
    "gateway-ka": "the same with auth-keepalive -> gateway",
    "o2p-ka": "the same with auth-keepalive -> oauth2-proxy",
    "open": "nginx, no auth (ceiling)",
    "gateway-auth": "gateway /auth alone",
    "o2p-auth": "oauth2-proxy /oauth2/auth alone",
    "static": "nginx static `return 200`",
}
CPU = ["gateway cpu ms/1k", "oauth2-proxy", "front nginx", "upstream nginx"]


def read(path):
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    bad = [r for r in rows if int(r["non-2xx"]) != 0]
    if bad:
        for r in bad:
            print(f"invalid: {r['path']} round {r['round']} had {r['non-2xx']} non-2xx answers")
        sys.exit(1)
    by_path = {}
    for r in rows:
        by_path.setdefault(r["path"], []).append(r)
    return by_path


def median(rows, column):
    return statistics.median(float(r[column]) for r in rows)


def main():
    by_path = read(sys.argv[1])
    m = {p: {c: median(rows, c) for c in ["req/s", "p50 ms", "p99 ms"] + CPU} for p, rows in by_path.items()}
    print("medians of the rounds (CPU: ms per 1,000 requests of gateway / oauth2-proxy / front nginx / upstream nginx)")
    for p, label in PATHS.items():
        if p not in m:
            continue
        rounds = " ".join(f"{float(r['req/s']):.0f}@{r['p99 ms']}" for r in by_path[p])
        cpu = " / ".join(f"{m[p][c]:.1f}" for c in CPU)
        print(f"  {label:66} {m[p]['req/s']:8.0f} req/s  p50 {m[p]['p50 ms']:.2f}  p99 {m[p]['p99 ms']:.2f} ms"
              f"  cpu {cpu}  (rounds req/s@p99 ms: {rounds})")
    gw, o2p, open_, alone, static = (m[p] for p in ("gateway", "o2p", "open", "gateway-auth", "static"))

    def goal(text, value, met):
        print(f"  {text:70} {value:>14}  {'met' if met else 'NOT met'}")

    print("goals")
    ratio = alone["req/s"] / static["req/s"]
    goal("/auth alone: req/s >= 0.85 of nginx static", f"{ratio:.2f}", ratio >= 0.85)
    ratio = alone["p99 ms"] / static["p99 ms"]
    goal("/auth alone: p99 <= 2x nginx static's", f"{ratio:.2f}x", ratio <= 2)
    ratio = gw["req/s"] / o2p["req/s"]
    goal("behind auth_request: req/s ahead of oauth2-proxy", f"{ratio:.2f}x", ratio > 1)
    ratio = gw["p99 ms"] / o2p["p99 ms"]
    goal("behind auth_request: p99 below oauth2-proxy's", f"{ratio:.2f}x", ratio < 1)
    ratio = gw["req/s"] / open_["req/s"]
    goal("behind auth_request: req/s within 0.6 of the no-auth path", f"{ratio:.2f}", ratio >= 0.6)
    if "gateway-ka" in m and "o2p-ka" in m:
        ka, o2p_ka = m["gateway-ka"], m["o2p-ka"]
        ratio = ka["req/s"] / o2p_ka["req/s"]
        goal("with auth-keepalive: req/s ahead of oauth2-proxy's", f"{ratio:.2f}x", ratio > 1)
        ratio = ka["p99 ms"] / o2p_ka["p99 ms"]
        goal("with auth-keepalive: p99 below oauth2-proxy's", f"{ratio:.2f}x", ratio < 1)
        ratio = ka["req/s"] / open_["req/s"]
        goal("with auth-keepalive: req/s within 0.6 of the no-auth path", f"{ratio:.2f}", ratio >= 0.6)
    if "gateway-ka" in m:
        print("CPU ms per 1,000 decisions behind nginx, gateway: "
              f"{gw['gateway cpu ms/1k']:.1f} (a connection each), {m['gateway-ka']['gateway cpu ms/1k']:.1f} (auth-keepalive)")
    print("CPU ms per 1,000 decisions, endpoint alone: "
          f"gateway {alone['gateway cpu ms/1k']:.1f}, oauth2-proxy {m['o2p-auth']['oauth2-proxy']:.1f}, "
          f"nginx static {static['upstream nginx']:.1f}")


main()
