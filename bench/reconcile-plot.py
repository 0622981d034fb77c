"""Draws bench/reconcile --tokens progress: objects done against seconds since the first create, one line per
kind (apps with children and status, tokens Ready, apps Running after their Pod turned ready) and per run; the
floor's runs in grey. Needs matplotlib (bench/plot makes a venv with it).

    python3 bench/reconcile-plot.py OUT.svg RUN.tsv [RUN.tsv ...]   (bench/reconcile's PROGRESS_OUT files;
                                                                   a file whose name has "floor" is a floor run)
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

KINDS = [("app", "apps with children and status", "-"), ("token", "tokens Ready", "--"),
         ("running", "apps Running (status change)", ":")]


def main():
    out, runs = sys.argv[1], sys.argv[2:]
    fig, ax = plt.subplots(figsize=(10, 5))
    labelled = set()
    for path in runs:
        with open(path) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        floor = "floor" in path
        for kind, label, style in KINDS:
            times = sorted(float(r["seconds"]) for r in rows if r["done"] == kind)
            if not times:
                continue
            who = "floor" if floor else "operator"
            ax.step([0] + times, range(len(times) + 1), where="post", linestyle=style, linewidth=1,
                    color="grey" if floor else "tab:blue",
                    label=None if (who, kind) in labelled else f"{who}: {label}")
            labelled.add((who, kind))
    ax.set_xlabel("seconds since the first create")
    ax.set_ylabel("objects done")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"bench/reconcile --tokens: progress of {len(runs)} runs (grey: the floor, no operator)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out)


main()
