#!/usr/bin/env python3
"""Runs every libFuzzer target for a while and prints what it did (`make fuzz`).

usage: run-fuzz.py --build BUILD_DIR [--seconds N] [--out DIR] [TARGET...]

For each target: seeds (make-seeds.py) plus the corpus kept from earlier runs
in OUT/corpus/<target>/ are fuzzed for N seconds; crashing inputs land in
OUT/crashes/<target>/. Prints per target the executions, executions per second,
coverage (libFuzzer's cov = edges, ft = features) and crashes, then a summary
line; exits 1 when any target crashed, leaked, timed out or did not start.
A crash becomes a regression: fix it, then copy the input to
tests/fuzz/regressions/<target>/ (the fuzz-regressions suite replays it).
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = ["decode-null", "decode-gl", "tgsi", "vtest", "vug-ctrl", "vhost-msg", "vring"]
# llvmpipe and the EGL loader keep allocations alive on purpose at exit.
ENV = {"decode-gl": {"ASAN_OPTIONS": "detect_leaks=0"}}


def run(build, out, target, seconds):
    exe = os.path.join(build, "tests", "fuzz", "fuzz-" + target)
    if not os.path.exists(exe):
        return {"target": target, "missing": True}
    corpus = os.path.join(out, "corpus", target)
    crashes = os.path.join(out, "crashes", target)
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(crashes, exist_ok=True)
    before = set(os.listdir(crashes))
    cmd = [exe, "-max_total_time=%d" % seconds, "-print_final_stats=1", "-timeout=20",
           "-rss_limit_mb=3072", "-max_len=65536", "-artifact_prefix=" + crashes + "/",
           corpus, os.path.join(out, "seeds", target)]
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "")
    env.update(ENV.get(target, {}))
    env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
    log_path = os.path.join(out, target + ".log")
    with open(log_path, "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                             timeout=seconds + 600)
    text = open(log_path, errors="replace").read()
    res = {"target": target, "rc": rc, "log": log_path}
    for key, pat in (("execs", r"stat::number_of_executed_units:\s*(\d+)"),
                     ("execs_per_s", r"stat::average_exec_per_sec:\s*(\d+)")):
        m = re.search(pat, text)
        res[key] = int(m.group(1)) if m else 0
    covs = re.findall(r"cov: (\d+) ft: (\d+)", text)
    res["cov"], res["ft"] = (int(covs[-1][0]), int(covs[-1][1])) if covs else (0, 0)
    res["crashes"] = len(set(os.listdir(crashes)) - before)
    res["corpus"] = len(os.listdir(corpus))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--out", default="out/fuzz")
    ap.add_argument("targets", nargs="*")
    args = ap.parse_args()
    targets = args.targets or TARGETS
    seeds = os.path.join(args.out, "seeds")
    subprocess.check_call([sys.executable, os.path.join(HERE, "make-seeds.py"), seeds])
    failed = 0
    print("%-12s %12s %9s %7s %7s %8s %7s" % ("target", "executions", "exec/s", "cov", "ft",
                                              "crashes", "corpus"))
    for t in targets:
        r = run(args.build, args.out, t, args.seconds)
        if r.get("missing"):
            print("%-12s not built (meson -Dfuzz=true with clang)" % t)
            failed += 1
            continue
        bad = r["rc"] != 0 or r["crashes"]
        failed += bool(bad)
        print("%-12s %12d %9d %7d %7d %8d %7d%s" % (
            t, r["execs"], r["execs_per_s"], r["cov"], r["ft"], r["crashes"], r["corpus"],
            "  FAILED (exit %d, see %s)" % (r["rc"], r["log"]) if bad else ""), flush=True)
    print("fuzz: %d targets x %d s, %d failed" % (len(targets), args.seconds, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
