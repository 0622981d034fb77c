"""Draws bench/peer's figures: requests/s, p99 and the auth server's CPU per request of each path, one dot per run (its median
round), the bar at the median of the runs. Needs matplotlib (bench/plot makes a venv with it).

    python3 bench/peer-plot.py OUT.svg RUN1.tsv [RUN2.tsv ...]
"""
import csv
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PATHS = [
    ("gateway", "nginx →\ngateway"),
    ("o2p", "nginx →\noauth2-\nproxy"),
    ("gateway-ka", "nginx →\ngateway,\nkeep-alive"),
    ("o2p-ka", "nginx →\noauth2-\nproxy,\nkeep-alive"),
    ("open", "nginx,\nno auth"),
    ("gateway-auth", "gateway\n/auth\nalone"),
    ("o2p-auth", "oauth2-\nproxy\n/oauth2/\nauth"),
    ("static", "nginx\nreturn\n200"),
]
# The server whose CPU time is the decision's (none on the no-auth path).
DECIDER = {"gateway": "gateway cpu ms/1k", "o2p": "oauth2-proxy", "gateway-ka": "gateway cpu ms/1k",
           "o2p-ka": "oauth2-proxy", "gateway-auth": "gateway cpu ms/1k",
           "o2p-auth": "oauth2-proxy", "static": "upstream nginx"}
COLORS = ["#1f77b4", "#ff7f0e", "#1f77b4", "#ff7f0e", "#7f7f7f", "#1f77b4", "#ff7f0e", "#7f7f7f"]
BEHIND_NGINX = 5  # the first five paths go through nginx


def run_medians(path):
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    medians = {}
    for p, _ in PATHS:
        mine = [r for r in rows if r["path"] == p]
        if not mine:  # runs from before the keep-alive paths existed
            continue
        medians[p] = {c: statistics.median(float(r[c]) for r in mine) for c in ("req/s", "p99 ms")}
        medians[p]["cpu"] = statistics.median(float(r[DECIDER[p]]) for r in mine) if p in DECIDER else 0
    return medians


def main():
    out, runs = sys.argv[1], [run_medians(p) for p in sys.argv[2:]]
    fig, axes = plt.subplots(1, 3, figsize=(18, 4.8))
    for ax, column, title in ((axes[0], "req/s", "requests/s (higher is better)"),
                              (axes[1], "p99 ms", "p99 latency, ms (lower is better)"),
                              (axes[2], "cpu", "CPU ms per 1,000 requests of the auth server\n(nginx static: its worker)")):
        for i, (p, _) in enumerate(PATHS):
            values = [run[p][column] for run in runs if p in run]
            if not values:
                continue
            ax.bar(i, statistics.median(values), color=COLORS[i], alpha=0.6 if i < BEHIND_NGINX else 0.35,
                   hatch="//" if p.endswith("-ka") else None)
            ax.scatter([i] * len(values), values, color="black", s=12, zorder=3)
        ax.set_xticks(range(len(PATHS)), [label for _, label in PATHS], fontsize=7.5)
        ax.axvline(BEHIND_NGINX - 0.5, color="black", linewidth=0.5)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(f"bench/peer: behind nginx auth_request | endpoint alone — {len(runs)} runs "
                 "(dots: each run's median round; bars: median of the runs)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out)


main()
