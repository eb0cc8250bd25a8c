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
"""
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["ours", "reference"])
    ap.add_argument("--sim", required=True)
    ap.add_argument("--backend", required=True)
    ap.add_argument("--reference", default="/usr/lib/qemu/vhost-user-gpu")
    args = ap.parse_args()
    return ours(args) if args.mode == "ours" else reference(args)


if __name__ == "__main__":
    sys.exit(main())
