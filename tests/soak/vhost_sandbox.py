#!/usr/bin/env python3
"""pvgpu-vhost-user's sandbox (issue 10): with it on, a simulated VM is served
one session after another; a forbidden syscall right after entering
(PVGPU_SANDBOX_SELFTEST=vhost-user) ends the back end by SIGSYS with one log
line; a bad --sandbox value is refused.

Usage: vhost_sandbox.py --vhost PATH --sim PATH     Exit 0 pass, 1 fail, 77 skip.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77


def wait_path(path, proc, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) or proc.poll() is not None:
            return os.path.exists(path)
        time.sleep(0.05)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vhost", required=True)
    ap.add_argument("--sim", required=True)
    args = ap.parse_args()
    # Sanitizer builds default to --sandbox=off (the ASan/LSan runtime needs
    # sigaltstack and ptrace, which the filter kills): the sandbox is tested in
    # the normal build.
    ldd = subprocess.run(["ldd", args.vhost], stdout=subprocess.PIPE, text=True).stdout
    if "libasan" in ldd:
        print("SKIP: sanitizer build (the sandbox is off by default there)")
        return SKIP
    help_text = subprocess.run([args.vhost, "--help"], stdout=subprocess.PIPE, text=True).stdout
    if "built without libseccomp" in help_text:
        print("SKIP: pvgpu-vhost-user was built without libseccomp")
        return SKIP
    failures = []
    bad = subprocess.run([args.vhost, "--socket-path=/nonexistent/x", "--sandbox=maybe"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if bad.returncode != 2 or "bad --sandbox value" not in bad.stdout:
        failures.append("--sandbox=maybe: status %d: %s" % (bad.returncode, bad.stdout))

    with tempfile.TemporaryDirectory() as tmp:
        # Sandbox on: two VM sessions in a row on one back end.
        sock = os.path.join(tmp, "vm.sock")
        log = open(os.path.join(tmp, "vhost.log"), "w+")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PVGPU_SANDBOX")}
        be = subprocess.Popen([args.vhost, "--socket-path=" + sock, "--no-virgl",
                               "--sandbox=on"], stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            if not wait_path(sock, be):
                failures.append("back end did not listen")
            for i in range(2):
                r = subprocess.run([args.sim, "--backend-socket=" + sock, "--scenario=2d,fences",
                                    "--resolution=160x120"], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, timeout=120)
                if r.returncode != 0:
                    failures.append("session %d in the sandbox: status %d:\n%s" % (
                        i, r.returncode, r.stdout[-1500:]))
            if be.poll() is not None:
                failures.append("sandboxed back end exited with %s" % be.returncode)
        finally:
            be.send_signal(signal.SIGTERM)
            try:
                be.wait(10)
            except subprocess.TimeoutExpired:
                be.kill()
                be.wait()

        # The self-test hook: dies of SIGSYS right after entering, says why.
        sock2 = os.path.join(tmp, "victim.sock")
        env["PVGPU_SANDBOX_SELFTEST"] = "vhost-user"
        victim = subprocess.run([args.vhost, "--socket-path=" + sock2, "--no-virgl"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env, timeout=60)
        if victim.returncode != -signal.SIGSYS:
            failures.append("self-test: status %d, expected death by SIGSYS:\n%s" % (
                victim.returncode, victim.stdout))
        if "forbidden system call 41" not in victim.stdout:
            failures.append("self-test: no sandbox line:\n" + victim.stdout)
        log.seek(0)
        vhost_log = log.read()
        log.close()
    for f in failures:
        print("FAIL " + f)
    if failures:
        print("--- sandboxed back end's log ---\n" + vhost_log)
        return 1
    print("ok: sandboxed sessions served; a forbidden syscall ends the back end by SIGSYS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
