#!/usr/bin/env python3
"""Fault-isolation soak (issue 10): good clients keep working while a hostile one
keeps breaking the protocol, and the servers' memory stays bounded.

vtest part: one pvgpu-vtest (GL backend, sandbox at its default), 8 concurrent
Mesa clients (virpipe) under Xvfb for --seconds: four run one glmark2 scene each
for the whole time (exit status 0, no error), four loop `glmark2 --validate` on
a scene (every run must print "Validation: Success", i.e. its frame is right).
Meanwhile tests/soak/chaos_client.py connects again and again and sends random,
malformed and truncated commands, dying mid-command. Afterwards: no client
process of the server died of a signal (a crash or the sandbox), the server's
process tree is back to the listener alone, and a new client is served.

vhost part: 4 pvgpu-vhost-user back ends (one per simulated VM, listening, one
session after another), pvgpu-sim VMs 0-2 loop the 2d, cursor, fences and 3d
scenarios (3d compares the frame with in-process rendering), VM 3 loops the
hostile scenario. Every run must pass; every back end must still serve a VM
afterwards.

Memory: the RSS of each server process tree is sampled every 0.5 s. Bounded
means: the long-lived processes (the vtest listener, the back ends) peak in the
second half of the run at most 1.25x their first half's peak + 16 MiB (a leak
grows with time, a working set does not), and no process ever exceeds
--max-process-mb (the 1 GiB per-resource limit a chaos client may hit, plus the
renderer's working set).

Prints the numbers (duration, clients, runs, chaos connections, max RSS) and
one JSON line; --json PATH also writes it there. Exit 0 pass, 1 fail, 77 skip.
Usage: run-soak.py --vtest PATH --vhost PATH --sim PATH [--seconds 60] [--part vtest|vhost|all]
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def load_apps():
    """The apps suite's helpers: Xvfb, servers, private-namespace clients."""
    path = os.path.join(HERE, "..", "apps", "run-app-test.py")
    spec = importlib.util.spec_from_file_location("run_app_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


apps = load_apps()

# Scenes that glmark2 validates and that pass on pvgpu (tests/apps glmark2-validate).
SUSTAINED = ["build:use-vbo=true", "texture:texture-filter=linear", "shading:shading=phong",
             "bump:bump-render=normals"]
VALIDATED = ["build:use-vbo=false", "texture:texture-filter=nearest", "shading:shading=gouraud",
             "bump:bump-render=high-poly"]


# ------------------------------------------------------------ memory sampling

def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children_of(pid):
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, split after ')'.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(name))
    return out


class Sampler(threading.Thread):
    """Samples the RSS of some process trees every `period` seconds."""

    def __init__(self, roots, period=0.5):
        super().__init__(daemon=True)
        self.roots = roots
        self.period = period
        self.samples = []  # (t, total_kb, max_single_kb, processes, roots_kb)
        self.stop_event = threading.Event()

    def run(self):
        t0 = time.monotonic()
        while not self.stop_event.is_set():
            total = single = procs = roots = 0
            for root in self.roots:
                roots += rss_kb(root)
                for pid in [root] + children_of(root):
                    kb = rss_kb(pid)
                    total += kb
                    single = max(single, kb)
                    procs += 1
            self.samples.append((time.monotonic() - t0, total, single, procs, roots))
            self.stop_event.wait(self.period)

    def stop(self):
        self.stop_event.set()
        self.join()

    def summary(self, max_process_mb):
        if len(self.samples) < 4:
            return {"samples": len(self.samples), "bounded": True}
        half = len(self.samples) // 2
        first = max(s[4] for s in self.samples[:half])
        second = max(s[4] for s in self.samples[half:])
        largest = max(s[2] for s in self.samples)
        return {
            "samples": len(self.samples),
            "max_total_rss_mb": round(max(s[1] for s in self.samples) / 1024, 1),
            "max_process_rss_mb": round(largest / 1024, 1),
            "max_processes": max(s[3] for s in self.samples),
            "long_lived_first_half_peak_mb": round(first / 1024, 1),
            "long_lived_second_half_peak_mb": round(second / 1024, 1),
            "bounded": second <= first * 1.25 + 16 * 1024 and largest <= max_process_mb * 1024,
        }


# ------------------------------------------------------------ vtest part

def glmark2_client(run, sock, idx, argv, deadline, results, validate):
    """One of the 8 clients; appends a dict to results."""
    env = apps.client_env(run)
    runs = failures = 0
    notes = []
    while True:
        log_name = "client%d-run%d.log" % (idx, runs)
        timeout = max(30.0, deadline - time.monotonic() + 60)
        with open(run.path(log_name), "wb") as out:
            try:
                rc = subprocess.run(apps.client_argv(sock, argv), stdout=out,
                                    stderr=subprocess.STDOUT, env=env,
                                    timeout=timeout).returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
        text = run.log(log_name)
        runs += 1
        ok = rc == 0 and "Error" not in text
        if validate:
            ok = ok and "Validation: Success" in text and "Failure" not in text
        else:
            ok = ok and "glmark2 Score" in text
        if not ok:
            failures += 1
            notes.append("%s: exit %s: %s" % (log_name, rc, text[-400:]))
        if not validate or time.monotonic() >= deadline:
            break
    results.append({"client": idx, "argv": " ".join(argv), "runs": runs, "failures": failures,
                    "notes": notes})


def server_log_problems(text):
    return [line for line in text.splitlines()
            if "killed by signal" in line or "forbidden system call" in line]


def vtest_part(args, numbers):
    run = apps.Run(args.keep)
    failed = True
    try:
        apps.require_tools("glmark2")
        run.display = apps.start_xvfb(run)
        sock = apps.start_pvgpu(run, args.vtest)
        server = run.procs[-1]
        sampler = Sampler([server.pid])
        sampler.start()
        t0 = time.monotonic()
        deadline = t0 + args.seconds
        chaos = run.spawn([sys.executable, os.path.join(HERE, "chaos_client.py"), sock,
                           "--seconds", str(args.seconds)], "chaos.log")
        results, threads = [], []
        size = "%dx%d" % (args.size, args.size)
        for i, scene in enumerate(SUSTAINED):
            argv = ["glmark2", "-s", size, "-b", "%s:duration=%d" % (scene, args.seconds)]
            threads.append(threading.Thread(target=glmark2_client, args=(
                run, sock, i, argv, deadline, results, False)))
        for i, scene in enumerate(VALIDATED):
            argv = ["glmark2", "--validate", "-b", scene]
            threads.append(threading.Thread(target=glmark2_client, args=(
                run, sock, 4 + i, argv, deadline, results, True)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        chaos.wait(timeout=30)
        elapsed = time.monotonic() - t0
        # The listener alone again: every client's process has ended.
        idle = apps.wait_for(lambda: not children_of(server.pid), 15)
        sampler.stop()
        listener_kb = rss_kb(server.pid)
        # ... and it serves a new client.
        after = subprocess.run(apps.client_argv(sock, ["glmark2", "--validate", "-b", "build"]),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=apps.client_env(run), timeout=120, text=True)
        served_after = after.returncode == 0 and "Validation: Success" in after.stdout
        chaos_line = run.log("chaos.log").strip().splitlines()
        chaos_stats = json.loads(chaos_line[-1]) if chaos_line else {}
        log = run.log("pvgpu.log")
        problems = server_log_problems(log)
        mem = sampler.summary(args.max_process_mb)
        numbers["vtest"] = {
            "seconds": round(elapsed, 1),
            "clients": len(results),
            "client_runs": sum(r["runs"] for r in results),
            "client_failures": sum(r["failures"] for r in results),
            "chaos_connections": chaos_stats.get("connections", 0),
            "chaos_seed": chaos_stats.get("seed"),
            "clients_dropped_by_server": log.count(" dropped: "),
            "processes_killed": len(problems),
            "listener_rss_mb_after": round(listener_kb / 1024, 1),
            "memory": mem,
            "idle_after": idle,
            "served_new_client_after": served_after,
        }
        errors = []
        for r in results:
            if r["failures"]:
                errors.append("client %d (%s): %d of %d runs failed\n  %s" % (
                    r["client"], r["argv"], r["failures"], r["runs"], "\n  ".join(r["notes"])))
        if chaos.returncode != 0 or not chaos_stats.get("connections"):
            errors.append("chaos client: status %s: %s" % (chaos.returncode, chaos_line))
        if problems:
            errors.append("server processes died:\n  " + "\n  ".join(problems[:10]))
        if not mem["bounded"]:
            errors.append("server memory grew: %s" % mem)
        if not idle:
            errors.append("client processes left after the run: %s" % children_of(server.pid))
        if not served_after:
            errors.append("no new client served afterwards:\n" + after.stdout[-1000:])
        if server.poll() is not None:
            errors.append("pvgpu-vtest exited with %s" % server.returncode)
        for e in errors:
            print("FAIL vtest: " + e)
        failed = bool(errors)
        return not failed
    finally:
        run.cleanup(failed)


# ------------------------------------------------------------ vhost part

GOOD_SCENARIOS = "2d,cursor,fences,3d"


def sim_loop(args, sock, vm, scenario, deadline, out_dir, results):
    runs = failures = 0
    notes = []
    while True:
        argv = [args.sim, "--backend-socket=" + sock, "--first-vm=%d" % vm,
                "--scenario=" + scenario, "--resolution=160x120", "--timeout-ms=20000",
                "--out=" + out_dir]
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=180)
            rc, text = p.returncode, p.stdout
        except subprocess.TimeoutExpired as e:
            rc, text = "timeout", str(e.stdout)
        runs += 1
        if rc not in (0,):
            failures += 1
            notes.append("run %d: exit %s: %s" % (runs, rc, text[-600:]))
        if time.monotonic() >= deadline:
            break
    results.append({"vm": vm, "scenario": scenario, "runs": runs, "failures": failures,
                    "notes": notes})


def vhost_part(args, numbers):
    run = apps.Run(args.keep)
    failed = True
    try:
        backends, socks = [], []
        for vm in range(4):
            sock = run.path("vm%d.sock" % vm)
            proc = run.spawn([args.vhost, "--socket-path=" + sock], "vhost%d.log" % vm)
            apps.wait_socket(run, proc, sock, "vhost%d.log" % vm)
            backends.append(proc)
            socks.append(sock)
        sampler = Sampler([p.pid for p in backends])
        sampler.start()
        t0 = time.monotonic()
        deadline = t0 + args.seconds
        results, threads = [], []
        for vm in range(4):
            scenario = "hostile" if vm == 3 else GOOD_SCENARIOS
            out_dir = run.path("out%d" % vm)
            os.makedirs(out_dir, exist_ok=True)
            threads.append(threading.Thread(target=sim_loop, args=(
                args, socks[vm], vm, scenario, deadline, out_dir, results)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        sampler.stop()
        # Every back end, the hostile VM's included, still serves a VM.
        after = []
        for vm in range(4):
            p = subprocess.run([args.sim, "--backend-socket=" + socks[vm], "--first-vm=%d" % vm,
                                "--scenario=2d", "--resolution=160x120"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=120)
            after.append(p.returncode == 0)
        problems = []
        for vm in range(4):
            problems += ["vm%d: %s" % (vm, line)
                         for line in server_log_problems(run.log("vhost%d.log" % vm))]
        mem = sampler.summary(args.max_process_mb)
        numbers["vhost"] = {
            "seconds": round(elapsed, 1),
            "vms": 4,
            "hostile_vms": 1,
            "runs": {"vm%d" % r["vm"]: r["runs"] for r in sorted(results, key=lambda r: r["vm"])},
            "failures": sum(r["failures"] for r in results),
            "backends_alive": sum(1 for p in backends if p.poll() is None),
            "served_after": after,
            "memory": mem,
        }
        errors = []
        for r in results:
            if r["failures"]:
                errors.append("vm %d (%s): %d of %d runs failed\n  %s" % (
                    r["vm"], r["scenario"], r["failures"], r["runs"], "\n  ".join(r["notes"])))
        if problems:
            errors.append("back ends died:\n  " + "\n  ".join(problems[:10]))
        if not all(after):
            errors.append("back ends not serving afterwards: %s" % after)
        if any(p.poll() is not None for p in backends):
            errors.append("a back end exited")
        if not mem["bounded"]:
            errors.append("back-end memory grew: %s" % mem)
        for e in errors:
            print("FAIL vhost: " + e)
        failed = bool(errors)
        return not failed
    finally:
        run.cleanup(failed)


def print_numbers(numbers):
    v = numbers.get("vtest")
    if v:
        m = v["memory"]
        print("vtest: %.0f s, %d clients (%d glmark2 runs, %d failed), %d chaos connections "
              "(seed %s), %d clients dropped by the server, %d processes killed; server tree "
              "max RSS %.1f MiB (largest process %.1f MiB, up to %d processes), listener peak "
              "first/second half %.1f/%.1f MiB, %.1f MiB after; new client served after: %s" % (
                  v["seconds"], v["clients"], v["client_runs"], v["client_failures"],
                  v["chaos_connections"], v["chaos_seed"], v["clients_dropped_by_server"],
                  v["processes_killed"], m.get("max_total_rss_mb", 0),
                  m.get("max_process_rss_mb", 0), m.get("max_processes", 0),
                  m.get("long_lived_first_half_peak_mb", 0), m.get("long_lived_second_half_peak_mb", 0),
                  v["listener_rss_mb_after"], v["served_new_client_after"]))
    h = numbers.get("vhost")
    if h:
        m = h["memory"]
        print("vhost: %.0f s, %d VMs (%d hostile), runs %s, %d failed; back ends max RSS total "
              "%.1f MiB (largest %.1f MiB), peak first/second half %.1f/%.1f MiB; "
              "back ends alive %d/4, serving after: %s" % (
                  h["seconds"], h["vms"], h["hostile_vms"], h["runs"], h["failures"],
                  m.get("max_total_rss_mb", 0), m.get("max_process_rss_mb", 0),
                  m.get("long_lived_first_half_peak_mb", 0), m.get("long_lived_second_half_peak_mb", 0),
                  h["backends_alive"], h["served_after"]))
    print(json.dumps(numbers))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vtest", required=True)
    ap.add_argument("--vhost")
    ap.add_argument("--sim")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--size", type=int, default=64, help="glmark2 window size (square)")
    ap.add_argument("--max-process-mb", type=int, default=1536,
                    help="no server process may exceed this RSS")
    ap.add_argument("--part", choices=["vtest", "vhost", "all"], default="all")
    ap.add_argument("--json", help="also write the numbers here")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    numbers = {}
    ok = True
    try:
        if args.part in ("vtest", "all"):
            ok = vtest_part(args, numbers) and ok
        if args.part in ("vhost", "all") and args.vhost and args.sim:
            ok = vhost_part(args, numbers) and ok
    except apps.Skip as e:
        print("SKIP: %s" % e)
        return SKIP
    except apps.Fail as e:
        print("FAIL: %s" % e)
        ok = False
    print_numbers(numbers)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(numbers, f, indent=1)
    print("PASS soak" if ok else "FAIL soak")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
