#!/usr/bin/env python3
"""pvgpu tests — runs pvgpu-sim scenarios against a vhost-user-gpu back end.

  run-sim.py ours --sim SIM --backend BACKEND
      One long-lived back end on a socket: every scenario (hostile included,
      which reconnects after each malformed ring) must pass against the same
      process, which must still be running at the end; then three VMs at once,
      each with its own back-end process, two scanouts each.
  run-sim.py reference --sim SIM --backend BACKEND [--reference PATH]
      The 2d scenario (two scanouts) through QEMU's reference back end and
      through ours; both must show the expected pattern and give byte-identical
      PNGs. Skips (exit 77) when the reference back end is not installed.
  run-sim.py gpu --sim SIM --backend BACKEND
      What QEMU 10 masks from a real guest, negotiated by the simulator: 3d
      (the guest driver's gears through the virtqueues equal the in-process
      frame), blob (zero bytes copied by the device, read from the back end's
      --stats-file), edid and rings, on one VM and then on two at once.
  run-sim.py bench --sim SIM --backend BACKEND
      Every --bench workload for a fraction of a second: one JSON line each
      with a positive rate, and the device's copies per op are what the path
      must cost (2d: one frame; blob: nothing). Never checks a timing.
"""
import json
import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time

SKIP = 77


def run(cmd, timeout=120):
    print("+", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout)
    print(p.stdout, flush=True)
    return p.returncode


def ours(args):
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "gpu.sock")
        log = open(os.path.join(tmp, "backend.log"), "w+")
        be = subprocess.Popen([args.backend, "--no-virgl", "--max-outputs=2",
                               "--socket-path=" + sock], stdout=log, stderr=log)
        try:
            for _ in range(100):
                if os.path.exists(sock):
                    break
                time.sleep(0.05)
            rc = run([args.sim, "--backend-socket", sock, "--scanouts", "2",
                      "--scenario", "hostile,2d,cursor,fences", "--out", tmp])
            if rc != 0:
                print("FAIL: scenarios against one long-lived back end")
                return 1
            if be.poll() is not None:
                print("FAIL: the back end exited (status %s)" % be.returncode)
                return 1
            # The same with SET_MEM_TABLE instead of ADD_MEM_REG.
            if run([args.sim, "--backend-socket", sock, "--mem-table", "--scenario", "2d"]):
                print("FAIL: 2d with SET_MEM_TABLE")
                return 1
        finally:
            be.terminate()
            be.wait(timeout=10)
            log.seek(0)
            sys.stdout.write("--- back end log (tail) ---\n" + "".join(log.readlines()[-15:]))
        cmd = "%s --no-virgl --max-outputs=2" % args.backend
        if run([args.sim, "--backend-exec", cmd, "--vms", "3", "--scanouts", "2",
                "--scenario", "2d,fences", "--out", tmp]):
            print("FAIL: three VMs at once")
            return 1
        for vm in range(3):
            for s in range(2):
                if not os.path.exists(os.path.join(tmp, "vm%d-scanout%d.png" % (vm, s))):
                    print("FAIL: no PNG for vm %d scanout %d" % (vm, s))
                    return 1
    print("ok")
    return 0


def reference(args):
    if not os.access(args.reference, os.X_OK):
        print("SKIP: %s not installed (Debian: qemu-system-gui)" % args.reference)
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        outs = {}
        for name, cmd in (("reference", args.reference),
                          ("ours", "%s --no-virgl --max-outputs=2" % args.backend)):
            outs[name] = os.path.join(tmp, name)
            if run([args.sim, "--backend-exec", cmd, "--scanouts", "2", "--resolution",
                    "800x600", "--scenario", "2d", "--out", outs[name]]):
                print("FAIL: 2d through the %s back end" % name)
                return 1
        for s in range(2):
            png = "vm0-scanout%d.png" % s
            a = os.path.join(outs["reference"], png)
            b = os.path.join(outs["ours"], png)
            if not filecmp.cmp(a, b, shallow=False):
                print("FAIL: %s differs between the back ends" % png)
                return 1
    print("ok: identical 2d images through both back ends")
    return 0


def gpu(args):
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "stats%d.json")
        cmd = "%s --max-outputs=2 --stats-file=%%STATS%%" % args.backend
        for vms in ("1", "2"):
            argv = [args.sim, "--backend-exec", cmd, "--stats-file", stats, "--vms", vms,
                    "--resolution", "320x240", "--scenario", "3d,blob,edid,rings",
                    "--out", tmp]
            print("+", " ".join(argv), flush=True)
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, timeout=240)
            print(p.stdout, flush=True)
            if "3d: skipped: no in-process GL" in p.stdout:
                print("SKIP: no EGL/GL here")
                return SKIP
            rc = p.returncode
            if rc != 0:
                print("FAIL: gpu scenarios on %s VM(s) (status %d)" % (vms, rc))
                return 1
        for vm in range(2):
            for png in ("3d", "blob0"):
                if not os.path.exists(os.path.join(tmp, "vm%d-%s.png" % (vm, png))):
                    print("FAIL: no %s PNG for vm %d (a scenario skipped?)" % (png, vm))
                    return 1
    print("ok")
    return 0


def bench(args):
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "stats%d.json")
        cmd = "%s --no-virgl --stats-file=%%STATS%%" % args.backend
        w, h = 320, 240
        for name in ("cmds", "fence", "2d", "blob"):
            argv = [args.sim, "--backend-exec", cmd, "--stats-file", stats, "--bench", name,
                    "--seconds", "0.2", "--json", "--resolution", "%dx%d" % (w, h)]
            print("+", " ".join(argv), flush=True)
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, timeout=60)
            print(p.stdout, flush=True)
            lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
            if p.returncode != 0 or len(lines) != 1:
                print("FAIL: bench %s: status %d, %d JSON lines" %
                      (name, p.returncode, len(lines)))
                return 1
            r = json.loads(lines[0])
            want_copied = {"cmds": 0, "fence": 4, "2d": w * h * 4, "blob": 0}[name]
            if r["bench"] != name or not r["ops"] > 0 or not r["rate"] > 0 or \
                    not 0 < r["median_us"] <= r["p99_us"] or \
                    r["bytes_copied_per_op"] != want_copied:
                print("FAIL: bench %s: %s (expected %d bytes copied per op)" %
                      (name, r, want_copied))
                return 1
    print("ok")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["ours", "reference", "gpu", "bench"])
    ap.add_argument("--sim", required=True)
    ap.add_argument("--backend", required=True)
    ap.add_argument("--reference", default="/usr/lib/qemu/vhost-user-gpu")
    args = ap.parse_args()
    return {"ours": ours, "reference": reference, "gpu": gpu, "bench": bench}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
