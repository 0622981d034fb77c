"""Draws bench/gateway's revocation trials: for each run, the distribution (empirical CDF) of the time from the
API write to the first 401 of every replica, with each replica's own as thin lines. Needs matplotlib (bench/plot
makes a venv with it).

    python3 bench/revocation-plot.py OUT.svg RUN1.tsv [RUN2.tsv ...]   (bench/gateway's REVOKE_OUT files)
"""
import csv
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def cdf(ax, values, **style):
    values = sorted(values)
    ax.step(values, [(i + 1) / len(values) for i in range(len(values))], where="post", **style)


def main():
    out, runs = sys.argv[1], sys.argv[2:]
    fig, ax = plt.subplots(figsize=(10, 5))
    for n, path in enumerate(runs, 1):
        name = re.search(r"run\d+", path)
        name = name.group(0).replace("run", "run ") if name else f"run {n}"
        with open(path) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        color = f"C{n - 1}"
        for column in rows[0]:
            if column.startswith("replica"):
                cdf(ax, [float(r[column]) for r in rows], color=color, linewidth=0.6, alpha=0.5)
        every = [float(r["every replica ms"]) for r in rows]
        p99 = sorted(every)[max(0, -(-99 * len(every) // 100) - 1)]
        cdf(ax, every, color=color, linewidth=1.8, label=f"{name}: every replica refuses ({len(rows)} trials, p99 {p99:.1f} ms)")
    ax.axvline(100, color="red", linewidth=0.8, linestyle="--", label="goal: p99 under 100 ms")
    ax.axhline(0.99, color="black", linewidth=0.5, linestyle=":")
    ax.set_xscale("log")
    ax.set_xlabel("ms from the API write (regenerate or delete) to the first 401 (log scale)")
    ax.set_ylabel("fraction of trials")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("bench/gateway, two replicas: revocation latency (thick: the later replica; thin: each replica)",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(out)


main()
