#!/usr/bin/env python3
"""Keep the captured TGSI corpus small without losing coverage.

Usage: corpus-prune.py CORPUS_DIR [--budget BYTES] [--dry-run]

Shaders are kept as whole draw sets (the lines of CORPUS_DIR/PAIRS), so every
kept shader can still be linked with its partners. Selection:
  1. every set whose shaders do not come from piglit (real apps: gears, glmark2);
  2. then, greedily, the set adding the most not-yet-covered features per byte,
     where a feature is an opcode with its modifiers and operand forms
     (indirect, 2-D, arrays), a declaration form or a PROPERTY;
  3. then the smallest remaining sets while the budget allows.
Shaders in no set are kept only if they add a feature. Files and PAIRS lines
not selected are deleted. Plain stdlib.
"""
import argparse
import os
import re
import sys

INST = re.compile(r"^\s*\d+:\s*([A-Z0-9_]+)(.*)$")


def features(text):
    feats = set()
    for line in text.splitlines():
        line = line.strip()
        m = INST.match(line)
        if m:
            op, rest = m.group(1), m.group(2)
            feats.add("op:" + op)
            if "ADDR[" in rest:
                feats.add("op:%s:indirect" % op)
            if re.search(r"\]\[", rest):
                feats.add("op:%s:2d" % op)
            if re.search(r"\)\s*(\.|,|$)", rest) and "](" in rest:
                feats.add("op:%s:array" % op)
            if "|" in rest:
                feats.add("op:%s:abs" % op)
            if re.search(r"(^|,)\s*-", rest):
                feats.add("op:%s:neg" % op)
            for tgt in re.findall(r"\b(1D|2D|3D|CUBE|RECT|SHADOW\w*|ARRAY\w*|BUFFER|MSAA\w*)\b",
                                  rest):
                feats.add("op:%s:%s" % (op, tgt))
        elif line.startswith("DCL"):
            form = re.sub(r"\[[^\]]*\]", "[]", line)
            form = re.sub(r"\(\d+\)", "()", form)
            feats.add("dcl:" + form)
        elif line.startswith("PROPERTY"):
            feats.add(line)
        elif line.startswith("IMM"):
            feats.add("imm:" + line.split()[1])
    return feats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--budget", type=int, default=600 * 1024)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()

    files = {}
    for name in sorted(os.listdir(args.corpus)):
        if name.endswith(".tgsi"):
            with open(os.path.join(args.corpus, name), encoding="latin1") as f:
                text = f.read()
            src = re.search(r"source=(\S+)", text.split("\n", 1)[0])
            files[name] = dict(size=len(text), feats=features(text),
                               app=src.group(1) if src else "")
    pairs_path = os.path.join(args.corpus, "PAIRS")
    sets = []
    if os.path.exists(pairs_path):
        with open(pairs_path) as f:
            for line in f:
                parts = line.split()
                if parts and not line.startswith("#") and all(p in files for p in parts):
                    sets.append(tuple(parts))

    keep, covered = set(), set()
    used = 0

    def take(names):
        nonlocal used
        for n in names:
            if n not in keep:
                keep.add(n)
                used += files[n]["size"]
                covered.update(files[n]["feats"])

    kept_sets = []
    for s in sets:
        if all(files[n]["app"] != "piglit" for n in s):
            take(s)
            kept_sets.append(s)
    rest = [s for s in sets if s not in kept_sets]
    while rest:
        def gain(s):
            new = set().union(*(files[n]["feats"] for n in s)) - covered
            cost = sum(files[n]["size"] for n in s if n not in keep) or 1
            return len(new) / cost, -cost
        best = max(rest, key=gain)
        if gain(best)[0] == 0:
            break
        take(best)
        kept_sets.append(best)
        rest.remove(best)
    for name in sorted(files, key=lambda n: files[n]["size"]):
        if name not in keep and name not in {n for s in sets for n in s}:
            if files[name]["feats"] - covered:
                take([name])
    rest.sort(key=lambda s: sum(files[n]["size"] for n in s if n not in keep))
    for s in rest:
        add = sum(files[n]["size"] for n in s if n not in keep)
        if used + add <= args.budget:
            take(s)
            kept_sets.append(s)

    drop = sorted(set(files) - keep)
    print("corpus-prune: keeping %d of %d shaders (%d bytes), %d of %d sets, %d features"
          % (len(keep), len(files), used, len(kept_sets), len(sets), len(covered)))
    if args.dry_run:
        return 0
    for n in drop:
        os.unlink(os.path.join(args.corpus, n))
    if os.path.exists(pairs_path):
        with open(pairs_path, "w") as f:
            f.write("# VS FS [GS] bound together at draws (tgsi-capture.py), pruned by "
                    "corpus-prune.py\n")
            for s in sorted(set(kept_sets)):
                f.write(" ".join(s) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
