#!/usr/bin/env python3
"""Summarise Meson test results: reads BUILD/meson-logs/testlog.json for each
build dir given and prints per-build counts and one final line
`N passed, N failed, N skipped`. Exit status 1 if anything failed."""
import json
import os
import sys


def counts(build):
    path = os.path.join(build, "meson-logs", "testlog.json")
    res = {"passed": 0, "failed": 0, "skipped": 0}
    if not os.path.exists(path):
        return res
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            r = t.get("result", "")
            if r in ("OK", "EXPECTEDFAIL"):
                res["passed"] += 1
            elif r == "SKIP":
                res["skipped"] += 1
            else:
                res["failed"] += 1
    return res


def main():
    builds = sys.argv[1:] or ["build"]
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for b in builds:
        c = counts(b)
        if len(builds) > 1:
            print(f"{b}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped")
        for k in total:
            total[k] += c[k]
    print(f"{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 1 if total["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
