#!/usr/bin/env python3
"""Writes a pvgpu-bench run's headline figures into the top-level README.

Replaces everything between the markers
    <!-- bench-figures:begin -->  and  <!-- bench-figures:end -->
in README with: the exact command, date and machine line of the run, the target
table with the gap to each target, and per workload the medians and ratios.
Every number comes from DIR/results.json, so `make bench-readme` (a --quick
run followed by this script) regenerates the section in one command.

Usage: readme-figures.py DIR README.md
"""
import json
import math
import os
import sys

BEGIN = "<!-- bench-figures:begin -->"
END = "<!-- bench-figures:end -->"


def fmt(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def section(res):
    m = res["machine"]
    lines = [
        f"Latest run: `{res['command']}` on {res['created'][:10]} "
        f"({res['duration_s']:.0f} s). Machine: {m['cpu']}, {m['cpus']} CPUs, "
        f"{m['memory_mib']} MiB, Linux {m['kernel']}, load {m['load_at_start']:.2f} at "
        f"start; Mesa {m['mesa']}, virglrenderer {m['virglrenderer']}. All paths render "
        "with llvmpipe on this machine; numbers are medians over rounds and only "
        "comparable within one run.",
        "",
        "| target | goal | now | met |",
        "|---|---|---|---|",
    ]
    for t in res["targets"]:
        met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        lines.append(f"| {t['name']} | {t['goal']} | {fmt(t['value'])} | {met} |")
    rows = [w for w in res["workloads"] if w["results"]]
    if rows:
        lines += ["", "| workload | unit | native | virgl | pvgpu | pvgpu/virgl | pvgpu/native |",
                  "|---|---|---|---|---|---|---|"]
        for w in rows:
            med = {p: w["results"].get(p, {}).get("median") for p in ("native", "virgl",
                                                                      "pvgpu")}
            lines.append(f"| {w['name']} | {w['unit']} | {fmt(med['native'])} | "
                         f"{fmt(med['virgl'])} | {fmt(med['pvgpu'])} | "
                         f"{fmt(w['ratios'].get('pvgpu/virgl'))} | "
                         f"{fmt(w['ratios'].get('pvgpu/native'))} |")
    lines += ["", "Full report, transfer table and plots: `report.md`, `*.png` in the run's "
              "output directory (`bench/README.md` explains how to read them)."]
    return "\n".join(lines)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    run_dir, readme = sys.argv[1:]
    with open(os.path.join(run_dir, "results.json")) as f:
        res = json.load(f)
    with open(readme) as f:
        text = f.read()
    if BEGIN not in text or END not in text or text.index(BEGIN) > text.index(END):
        print(f"readme-figures: {readme} has no {BEGIN} ... {END} section", file=sys.stderr)
        return 1
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(readme, "w") as f:
        f.write(head + BEGIN + "\n" + section(res) + "\n" + END + tail)
    print(f"readme-figures: {readme} updated from {run_dir}/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
