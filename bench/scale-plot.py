"""Draws bench/scale's steps: the gateway's heap after a full GC and its time from start to ready against the
AiApps (and as many AiTokens) loaded, one line per run, named after its file. Needs matplotlib (bench/plot makes a venv with it).

    python3 bench/scale-plot.py OUT.svg RUN1.tsv [RUN2.tsv ...]   (bench/scale's HEAP_OUT files)
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    out, runs = sys.argv[1], sys.argv[2:]
    fig, (heap, ready) = plt.subplots(1, 2, figsize=(12, 4.5))
    for path in runs:
        label = os.path.basename(path).removesuffix(".tsv")
        with open(path) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        objects = [int(r["objects"]) for r in rows]
        heap.plot(objects, [float(r["heap MiB"]) for r in rows], marker="o", label=label)
        ready.plot(objects, [float(r["ready s"]) for r in rows], marker="o", label=label)
    heap.axhline(512, color="red", linewidth=0.8, linestyle="--", label="goal: under 512 MiB")
    heap.set_title("gateway heap after a full GC, MiB")
    ready.set_title("gateway: seconds from start to ready")
    for ax in (heap, ready):
        ax.set_xlabel("AiApps loaded (and as many AiTokens)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("bench/scale: one gateway watching every namespace, started afresh at each step", fontsize=10)
    fig.tight_layout()
    fig.savefig(out)


main()
