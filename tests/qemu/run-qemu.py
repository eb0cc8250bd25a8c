#!/usr/bin/env python3
"""The qemu suite: boot a Debian 12 guest under QEMU 10 (TCG) against a vhost-user-gpu
peer and check, on the host side, what the guest showed.

Peers: `pvgpu` (pvgpu-vhost-user) or `reference` (QEMU's own vhost-user-gpu, 2D).
Scenarios (one QEMU boot each unless noted):
  pattern       KMS dumb buffers + page flips (guest/kms_pattern.c); QMP screendump
                equals the pattern pixel for pixel
  gears         pvgpu-gears' scene through our guest driver's DRM winsys, scanned out
                via KMS (guest/gears_kms.c); screendump equals `pvgpu-gears --winsys=inproc`
                of the same frame and size
  kmscube       kmscube on the guest's Mesa (virgl driver); it runs to completion and
                the screen shows the cube while it runs
  two-scanouts  pattern on both outputs of max_outputs=2, one screendump per head
  reconnect     pattern, then gears, against the same peer process (a second connection)
Every boot also checks: the result line, the guest's kernel log (no "*ERROR*"), a
clean peer log and a powered-off guest. A frame check against pvgpu's own display
module (headless capture) can join the screendump checks in check_frame().

Exit status: 0 pass, 1 fail, 77 skip (no QEMU/kernel cache and it cannot be fetched).
usage: run-qemu.py --scenario NAME [--peer pvgpu|reference] --build DIR --vhost-user BIN
                   --pattern BIN --gears-kms BIN [--gears BIN] [--cache DIR] [--keep]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import qemu_image  # noqa: E402
import vhost_proxy  # noqa: E402

XRES, YRES = 800, 600
PALETTE = [0x000000, 0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0x00ffff, 0xff00ff, 0xffffff]


class Skip(Exception):
    pass


class Fail(Exception):
    pass


# ------------------------------------------------------------------ the cache

def cache_ready(cache, kind):
    stamps = ["qemu.stamp", "kernel.stamp"] + (["mesa.stamp"] if kind == "mesa" else [])
    return all(os.path.exists(os.path.join(cache, s)) for s in stamps)


def ensure_cache(args, kind):
    if cache_ready(args.cache, kind):
        return
    if os.environ.get("PVGPU_QEMU_NO_FETCH") == "1":
        raise Skip(f"no QEMU/kernel cache in {args.cache} and PVGPU_QEMU_NO_FETCH=1")
    fetch = os.path.join(ROOT, "scripts", "qemu-fetch.sh")
    env = dict(os.environ)
    if kind != "mesa":
        env["PVGPU_QEMU_NO_MESA"] = "1"
    try:
        r = subprocess.run([fetch, args.cache], capture_output=True, text=True, timeout=900,
                           env=env)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Skip(f"cannot fetch QEMU/kernel: {e}")
    if r.returncode != 0 or not cache_ready(args.cache, kind):
        raise Skip("cannot fetch QEMU/kernel: " + (r.stderr.strip().splitlines() or ["?"])[-1])


def qemu_paths(cache):
    q = os.path.join(cache, "qemu")
    binary = os.path.join(q, "usr/bin/qemu-system-x86_64")
    try:
        subprocess.run([binary, "--version"], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        raise Skip(f"the cached QEMU does not run here: {e}")
    return binary, ["-L", os.path.join(q, "usr/share/qemu"),
                    "-L", os.path.join(q, "usr/share/seabios")], os.path.join(
                        q, "usr/lib/qemu/vhost-user-gpu")


def initramfs(args, kind):
    out = os.path.join(args.build, "tests", "qemu", f"initrd-{kind}.cpio")
    argv = [sys.executable, os.path.join(HERE, "build_initramfs.py"), "--cache", args.cache,
            "--out", out, "--kind", kind, "--prog", args.pattern, "--prog", args.gears_kms]
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise Fail(f"initramfs: {r.stdout}{r.stderr}")
    print(r.stdout.strip())
    return out


# ------------------------------------------------------------------ processes

class Peer:
    """The vhost-user-gpu back end QEMU connects to (one process for several boots)."""

    def __init__(self, args, workdir, max_outputs, virgl, display=None):
        self.kind, self.virgl, self.display = args.peer, virgl, display
        self.sock = os.path.join(workdir, "gpu.sock")
        self.log_path = os.path.join(workdir, f"peer-{args.peer}.log")
        if args.peer == "pvgpu":
            argv = [args.vhost_user, f"--socket-path={self.sock}",
                    f"--max-outputs={max_outputs}"] + ([] if virgl else ["--no-virgl"])
            if display:
                argv += [f"--display=connect:{display.ctl}", "--display-name=qemu-vm"]
            env = None
        else:
            # With virgl the reference needs a render node; the preload library runs it
            # on llvmpipe, but it then cannot show 3D scanouts (see virgl_preload.c).
            argv = [args.reference_bin, f"--socket-path={self.sock}"] + (
                ["--virgl"] if virgl else [])
            env = dict(os.environ, LD_PRELOAD=args.virgl_preload) if virgl else None
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True, env=env)
        log.close()
        for _ in range(100):
            if os.path.exists(self.sock) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(self.sock):
            raise Fail(f"{argv[0]} did not create its socket:\n{self.log()}")

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


class HeadlessDisplay:
    """pvgpu's display module with headless outputs (pvgpu-display); frames are read with
    `pvgpu-ctl capture` instead of QEMU's screendump."""

    def __init__(self, args, workdir, outputs):
        self.args, self.workdir = args, workdir
        self.ctl = os.path.join(workdir, "display.sock")
        self.log_path = os.path.join(workdir, "pvgpu-display.log")
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [args.display_daemon, f"--backend=headless:{outputs}", f"--control={self.ctl}",
             f"--mode={XRES}x{YRES}"], stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        for _ in range(100):
            if os.path.exists(self.ctl) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(self.ctl):
            raise Fail(f"pvgpu-display did not start:\n{self.log()}")

    def capture(self, head, path):
        r = subprocess.run([self.args.ctl, f"--control={self.ctl}", "capture",
                            f"HEADLESS-{head + 1}", path], capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 0:
            raise Fail(f"pvgpu-ctl capture HEADLESS-{head + 1}: {r.stdout}{r.stderr}")
        return qemu_image.read_png_rgb(path)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


class Qmp:
    def __init__(self, path):
        self.path = path

    def command(self, execute, arguments=None, timeout=30):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(timeout)
        s.connect(self.path)
        f = s.makefile("rw")
        json.loads(f.readline())
        reply = None
        for cmd in ({"execute": "qmp_capabilities"},
                    {"execute": execute, **({"arguments": arguments} if arguments else {})}):
            f.write(json.dumps(cmd) + "\n")
            f.flush()
            while True:
                reply = json.loads(f.readline())
                if "event" not in reply:
                    break
        s.close()
        if "error" in reply:
            raise Fail(f"QMP {execute}: {reply['error']}")
        return reply

    def screendump(self, path, head=0):
        self.command("screendump", {"filename": path, "device": "gpu0", "head": head})
        return qemu_image.read_ppm(path)


class Boot:
    """One QEMU run: serial console lines, PVGPU-HOLD handshakes, the result line."""

    def __init__(self, args, workdir, name, peer, run, initrd, max_outputs, on_hold=None,
                 on_run=None):
        self.workdir, self.name = workdir, name
        self.lines, self.holds, self.results, self.signatures = [], {}, {}, {}
        self.peer = peer
        self.on_hold, self.on_run = on_hold, on_run
        self.errors = []
        self.qmp = Qmp(os.path.join(workdir, f"{name}.qmp"))
        qemu, firmware, _ = qemu_paths(args.cache)
        # QEMU talks to the peer through a relay that records the vhost-user messages.
        self.proxy = None
        self.sock = peer.sock
        if not args.no_proxy:
            self.sock = os.path.join(workdir, f"{name}.vhost.sock")
            self.proxy = vhost_proxy.VhostProxy(self.sock, peer.sock,
                                                os.path.join(workdir, f"{name}.vhost.log"))
        self.module_dir = os.path.join(args.cache, "qemu/usr/lib/x86_64-linux-gnu/qemu")
        dev = f"vhost-user-gpu-pci,chardev=gpu,id=gpu0,xres={XRES},yres={YRES}"
        if max_outputs > 1:
            dev += f",max_outputs={max_outputs}"
        append = f"console=ttyS0 quiet pvgpu.run={run}"
        # Without a UI QEMU enables only head 0 in the display info it gives the back end,
        # so the guest sees the other outputs disconnected: force them on, with our mode.
        for head in range(1, max_outputs):
            append += f" video=Virtual-{head + 1}:{XRES}x{YRES}e"
        self.argv = ["timeout", "-k", "5", str(args.timeout), qemu] + firmware + [
            "-accel", "tcg", "-machine", "q35", "-smp", "1", "-m", "1G",
            "-object", "memory-backend-memfd,id=mem,size=1G,share=on", "-numa", "node,memdev=mem",
            "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
            "-qmp", f"unix:{self.qmp.path},server=on,wait=off",
            "-chardev", f"socket,id=gpu,path={self.sock}", "-device", dev,
            "-kernel", os.path.join(args.cache, args.kernel), "-initrd", initrd,
            "-append", append]
        with open(os.path.join(workdir, f"{name}.cmd"), "w") as f:
            f.write(" ".join(self.argv) + "\n")

    def run(self):
        # vhost-user-gpu-pci lives in a loadable module of the cached QEMU.
        env = dict(os.environ, QEMU_MODULE_DIR=self.module_dir)
        err = open(os.path.join(self.workdir, f"{self.name}.qemu.err"), "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=err, env=env, start_new_session=True)
        err.close()
        serial = open(os.path.join(self.workdir, f"{self.name}.serial.log"), "w")
        self.first_payload = None
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            serial.write(line + "\n")
            serial.flush()
            self.lines.append(line)
            try:
                self._line(line, t0)
            except Fail as e:
                self.errors.append(str(e))
                self._ack()
        self.rc = self.proc.wait()
        self.wall = time.monotonic() - t0
        if self.proxy:
            self.proxy.close()
        serial.close()
        return self

    def _ack(self):
        try:
            self.proc.stdin.write(b"\n")
            self.proc.stdin.flush()
        except OSError:
            pass

    def _line(self, line, t0):
        m = re.match(r"PVGPU-(HOLD|RESULT|RUN|SIG) (\S+)\s*(.*)", line)
        if not m:
            return
        kind, tag, rest = m.groups()
        if kind == "RUN" and tag != "end":
            self.first_payload = time.monotonic() - t0
            if self.on_run:
                self.on_run(self, tag)
        elif kind == "HOLD":
            self.holds[tag] = dict(kv.split("=", 1) for kv in rest.split() if "=" in kv)
            if self.on_hold:
                self.on_hold(self, tag, self.holds[tag])
            self._ack()
        elif kind == "SIG":
            self.signatures[tag] = rest
        elif kind == "RESULT":
            status, _, kvs = rest.partition(" ")
            self.results[tag] = dict(kv.split("=", 1) for kv in kvs.split() if "=" in kv)
            self.results[tag]["status"] = status

    def check(self, payload):
        """The checks every boot shares; returns the result's key/values."""
        problems = list(self.errors)
        res = self.results.get(payload)
        if not res:
            problems.append(f"no PVGPU-RESULT {payload} line")
        elif res["status"] != "PASS":
            problems.append(f"guest says {payload} FAIL: {res}")
        dmesg = [ln[len("PVGPU-DMESG "):] for ln in self.lines if ln.startswith("PVGPU-DMESG ")]
        if not dmesg:
            problems.append("the guest printed no kernel log (did it finish?)")
        bad = [ln for ln in self.lines if "*ERROR*" in ln]
        if self.peer.kind == "reference" and self.peer.virgl:
            # Expected: the reference refuses every SET_SCANOUT on llvmpipe (no dma-buf).
            refused = [ln for ln in bad if "(command 0x103)" in ln]
            print(f"[{self.name}] reference refused {len(refused)} SET_SCANOUTs (expected)")
            bad = [ln for ln in bad if ln not in refused]
        if bad:
            problems.append("guest kernel errors:\n  " + "\n  ".join(bad[:10]))
        features = [ln.split("features:", 1)[1].strip() for ln in dmesg if "[drm] features:" in ln]
        print(f"[{self.name}] guest virtio-gpu features: {' '.join(features) or '?'}")
        if self.proxy:
            print(f"[{self.name}] vhost-user: {self.proxy.summary()}")
            # QEMU's reference back end sometimes leaves as soon as the VM stops, before
            # answering QEMU's last requests: its shutdown is reported, not failed.
            problems += [f"vhost-user: {p}" for p in
                         self.proxy.check(strict_shutdown=self.peer.kind == "pvgpu")]
            for note in self.proxy.notes:
                print(f"[{self.name}] vhost-user note (reference shutdown): {note}")
        with open(os.path.join(self.workdir, f"{self.name}.qemu.err"), errors="replace") as f:
            qemu_err = [ln for ln in f.read().splitlines() if ln.strip()]
        if qemu_err:
            # QEMU complains on stderr about a back end that breaks the protocol.
            if self.peer.kind == "pvgpu":
                problems.append("QEMU's stderr:\n  " + "\n  ".join(qemu_err[:10]))
            else:
                print(f"[{self.name}] QEMU's stderr (reference): " + " | ".join(qemu_err[:4]))
        if "PVGPU-DONE" not in self.lines or self.rc != 0:
            problems.append(f"QEMU rc={self.rc}, guest done={'PVGPU-DONE' in self.lines}")
        boot = f"{self.first_payload:.1f}" if self.first_payload else "?"
        print(f"[{self.name}] QEMU rc={self.rc} wall={self.wall:.1f}s payload at {boot}s "
              f"result={res}")
        if problems:
            raise Fail(f"[{self.name}] " + "\n".join(problems))
        return res


# ------------------------------------------------------------------ frame checks

def pattern_image(w, h, frame, output):
    rows = []
    for by in range((h + 15) // 16):
        row = b"".join(
            PALETTE[((bx ^ by) + frame + 3 * output) & 7].to_bytes(3, "big") * 16
            for bx in range((w + 15) // 16))[:w * 3]
        rows.append(row * min(16, h - by * 16))
    return w, h, b"".join(rows)


def check_frame(name, shoot, want, min_match, workdir, settle=3.0):
    """Screendumps (shoot() -> image) against the expected image. The back end sends
    frames to QEMU asynchronously, so a frame may still be on its way when the guest's
    flip completed: retry for up to `settle` seconds."""
    ww, wh, wpx = want
    t0 = time.monotonic()
    tries = 0
    while True:
        gw, gh, gpx = shoot()
        tries += 1
        frac = qemu_image.match_fraction(gpx, wpx, tol=1) if (gw, gh) == (ww, wh) else 0.0
        if frac >= min_match or time.monotonic() - t0 > settle:
            break
        time.sleep(0.2)
    print(f"{name}: {frac * 100:.3f} % of {gw}x{gh} pixels match (need {min_match * 100:.1f} %)"
          f", {tries} shot(s) in {time.monotonic() - t0:.2f} s")
    if (gw, gh) != (ww, wh):
        raise Fail(f"{name}: screen is {gw}x{gh}, expected {ww}x{wh}")
    if frac < min_match:
        qemu_image.write_ppm(os.path.join(workdir, f"{name}-expected.ppm"), want)
        raise Fail(f"{name}: screendump differs from the expected frame")


def screendump(boot, tag, head=0):
    """What scanout `head` shows: QEMU's console (QMP screendump), or with pvgpu's display
    module the headless output's capture."""
    if boot.peer.display:
        path = os.path.join(boot.workdir, f"{boot.name}-{tag}-HEADLESS-{head + 1}.png")
        return boot.peer.display.capture(head, path)
    path = os.path.join(boot.workdir, f"{boot.name}-{tag}-head{head}.ppm")
    return boot.qmp.screendump(path, head)


def pattern_hold(expect_outputs):
    def on_hold(boot, tag, info):
        if tag != "pattern":
            raise Fail(f"unexpected hold {tag}")
        n, frame = int(info["outputs"]), int(info["frame"])
        if n != expect_outputs:
            raise Fail(f"guest found {n} outputs, expected {expect_outputs}")
        for o in range(n):
            w, h = (int(v) for v in info[f"size{o}"].split("x"))
            check_frame(f"{boot.name}-pattern-head{o}", lambda: screendump(boot, tag, o),
                        pattern_image(w, h, frame, o), 1.0, boot.workdir)
        boot.frames_checked = n
    return on_hold


def host_gears(args, workdir, frames, size):
    """pvgpu-gears' frame `frames` at `size` rendered on the host, upright."""
    if not args.gears:
        raise Fail("pvgpu-gears (host) was not built: nothing to compare with")
    png = os.path.join(workdir, f"gears-host-{frames}-{size}.png")
    if not os.path.exists(png):
        r = subprocess.run([args.gears, "--winsys=inproc", "--frames", str(frames), "--size",
                            size, "--png", png], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise Fail(f"host pvgpu-gears failed: {r.stdout}{r.stderr}")
    return qemu_image.read_png_rgb(png)


def check_signature(boot, args, res):
    """The guest's read-back signature (rows in buffer order = bottom-up) against the
    host's rendering: every cell's average colour within +-2."""
    sig = boot.signatures.get("gears", "").split()
    if len(sig) != 2:
        raise Fail(f"[{boot.name}] no read-back signature from the guest")
    cols, rows = (int(v) for v in sig[0].split("x"))
    got = bytes.fromhex(sig[1])
    want = qemu_image.grid_signature(host_gears(args, boot.workdir, int(res["frames"]),
                                                res["size"]), cols, rows, bottom_up=True)
    if len(got) != len(want):
        raise Fail(f"[{boot.name}] signature has {len(got)} bytes, expected {len(want)}")
    worst = max(abs(a - b) for a, b in zip(got, want))
    print(f"[{boot.name}] read-back signature {cols}x{rows}: largest cell difference {worst}")
    if worst > 2 or qemu_image.lit_fraction(want, step=1) < 0.05:
        raise Fail(f"[{boot.name}] the guest's read-back differs from the host's frame")


def gears_hold(args):
    def on_hold(boot, tag, info):
        # The colour buffer is in GL's orientation (bottom row first); the host shows 3D
        # scanouts upright, as QEMU does for virgl, so the screen equals the upright PNG.
        want = host_gears(args, boot.workdir, int(info["frame"]), info["size"])
        if qemu_image.lit_fraction(want[2]) < 0.05:
            raise Fail("the host's gears frame is nearly empty")
        check_frame(f"{boot.name}-gears", lambda: screendump(boot, tag), want, 0.999,
                    boot.workdir)
        boot.frames_checked = 1
    return on_hold


def peer_log_clean(peer):
    bad = [ln for ln in peer.log().splitlines()
           if re.search(r"\b(error|warn|warning|critical|assert)", ln, re.I)]
    if peer.kind == "reference" and peer.virgl:
        # The refused scanouts of the preload library (see virgl_preload.c).
        bad = [ln for ln in bad if not re.search(
            r"failed to get fd for texture|ctrl 0x103, error 0x1203", ln)]
    if bad:
        raise Fail(f"{peer.proc.args[0]} logged problems:\n  " + "\n  ".join(bad[:20]))


# ------------------------------------------------------------------ scenarios

def boot_pattern(args, wd, peer, name, outputs=1):
    b = Boot(args, wd, name, peer, f"pattern:{args.flips}:{outputs}", initramfs(args, "min"),
             outputs, on_hold=pattern_hold(outputs))
    b.frames_checked = 0
    res = b.run().check("pattern")
    if b.frames_checked != outputs:
        raise Fail(f"[{name}] {b.frames_checked} of {outputs} heads checked")
    return res


def boot_gears(args, wd, peer, name):
    scanout = peer.kind == "pvgpu"
    b = Boot(args, wd, name, peer,
             f"gears:{args.frames}" + ("" if scanout else ":noscanout"),
             initramfs(args, "min"), 1, on_hold=gears_hold(args))
    b.frames_checked = 0
    res = b.run().check("gears")
    check_signature(b, args, res)
    if scanout and not b.frames_checked:
        raise Fail(f"[{name}] the gears frame was never checked on screen")
    return res


def boot_kmscube(args, wd, peer, name):
    shots = []

    def on_run(boot, tag):
        # kmscube holds nothing: sample the screen while it runs.
        def sample():
            for i in range(120):
                time.sleep(0.5)
                if boot.proc.poll() is not None or "kmscube" in boot.results:
                    return
                try:
                    img = screendump(boot, f"run{i}")
                except (OSError, Fail, ValueError):
                    continue
                shots.append((qemu_image.lit_fraction(img[2]), qemu_image.colours(img[2])))
        threading.Thread(target=sample, daemon=True).start()

    b = Boot(args, wd, name, peer, f"kmscube:{args.kmscube_frames}",
             initramfs(args, "mesa"), 1, on_run=on_run)
    res = b.run().check("kmscube")
    # kmscube: a shaded cube on grey fills the screen with lit pixels of many colours.
    cube = [s for s in shots if s[0] > 0.5 and s[1] > 100]
    print(f"[{name}] {len(shots)} screendumps while kmscube ran, {len(cube)} show the cube")
    if not cube:
        raise Fail(f"[{name}] no screendump showed the cube: {shots}")
    return res


def bench(args, wd):
    """Guest-side frame rates through each peer (not part of the test suite)."""
    ensure_cache(args, "mesa")
    args.reference_bin = qemu_paths(args.cache)[2]
    table = {}
    for kind in ("pvgpu", "reference"):
        args.peer = kind
        for payload, run, initrd in (
                ("gears", f"gears:{args.bench_frames}" + (":noscanout" if kind != "pvgpu" else ""),
                 "min"),
                ("kmscube", f"kmscube:{args.kmscube_frames}", "mesa")):
            peer = Peer(args, wd, 1, True)
            try:
                b = Boot(args, wd, f"bench-{kind}-{payload}", peer, run, initramfs(args, initrd), 1,
                         on_hold=lambda boot, tag, info: None)
                b.run()
            finally:
                peer.stop()
            res = b.results.get(payload, {})
            table[f"{payload}/{kind}"] = {"status": res.get("status", "none"),
                                          "fps": float(res.get("fps", 0) or 0),
                                          "boot_to_payload_s": round(b.first_payload or 0, 2),
                                          "qemu_wall_s": round(b.wall, 2)}
            print(f"{payload:8} {kind:10} {table[f'{payload}/{kind}']}")
    if args.bench_out:
        with open(args.bench_out, "w") as f:
            json.dump(table, f, indent=1)
    return table


def scenario(args, wd):
    if args.scenario == "bench":
        bench(args, wd)
        return
    virgl = args.scenario in ("gears", "kmscube", "reconnect")
    outputs = 2 if args.scenario == "two-scanouts" else 1
    kind = "mesa" if args.scenario == "kmscube" else "min"
    ensure_cache(args, kind)
    args.reference_bin = qemu_paths(args.cache)[2]
    if args.peer == "reference" and args.scenario != "gears" and virgl:
        raise Skip("the reference vhost-user-gpu cannot show 3D scanouts without a GPU; "
                   "this scenario runs against pvgpu only")
    display = None
    if args.display == "headless":
        if args.peer != "pvgpu" or not args.display_daemon or not args.ctl:
            raise Skip("--display=headless needs pvgpu-vhost-user, pvgpu-display and pvgpu-ctl")
        display = HeadlessDisplay(args, wd, outputs)
    try:
        peer = Peer(args, wd, outputs, virgl, display)
    except Fail:
        if display:
            display.stop()
        raise
    summary = {"scenario": args.scenario, "peer": args.peer, "display": args.display}
    try:
        if args.scenario == "pattern":
            summary["pattern"] = boot_pattern(args, wd, peer, "boot1")
        elif args.scenario == "two-scanouts":
            summary["pattern"] = boot_pattern(args, wd, peer, "boot1", outputs=2)
        elif args.scenario == "gears":
            summary["gears"] = boot_gears(args, wd, peer, "boot1")
        elif args.scenario == "kmscube":
            summary["kmscube"] = boot_kmscube(args, wd, peer, "boot1")
        elif args.scenario == "reconnect":
            summary["pattern"] = boot_pattern(args, wd, peer, "boot1")
            if not peer.alive():
                raise Fail("the peer exited after the first VM disconnected")
            summary["gears"] = boot_gears(args, wd, peer, "boot2")
        # pvgpu-vhost-user serves one VM after another; QEMU's reference back end
        # serves one connection and exits.
        if args.peer == "pvgpu" and not peer.alive():
            raise Fail(f"the peer exited (status {peer.proc.returncode}):\n{peer.log()}")
        if not peer.alive() and peer.proc.returncode != 0:
            raise Fail(f"the peer failed (status {peer.proc.returncode}):\n{peer.log()}")
    finally:
        peer.stop()
        if display:
            display.stop()
    peer_log_clean(peer)
    if display:
        bad = [ln for ln in display.log().splitlines()
               if re.search(r"\b(error|warn|warning|critical|assert)", ln, re.I)]
        if bad:
            raise Fail("pvgpu-display logged problems:\n  " + "\n  ".join(bad[:20]))
    with open(os.path.join(wd, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("summary:", json.dumps(summary))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", required=True,
                    choices=("pattern", "gears", "kmscube", "two-scanouts", "reconnect", "bench"))
    ap.add_argument("--peer", choices=("pvgpu", "reference"), default="pvgpu")
    ap.add_argument("--build", required=True)
    ap.add_argument("--vhost-user", required=True)
    ap.add_argument("--pattern", required=True)
    ap.add_argument("--gears-kms", required=True)
    ap.add_argument("--gears")
    ap.add_argument("--virgl-preload")
    ap.add_argument("--display", choices=("qemu", "headless"), default="qemu",
                    help="where frames are checked: QEMU's console (screendump) or pvgpu's "
                    "display module with headless outputs (pvgpu-ctl capture)")
    ap.add_argument("--display-daemon", help="pvgpu-display")
    ap.add_argument("--ctl", help="pvgpu-ctl")
    ap.add_argument("--cache", default=os.environ.get(
        "PVGPU_QEMU_CACHE", os.path.expanduser("~/.cache/pvgpu/qemu")))
    ap.add_argument("--timeout", type=int, default=150, help="seconds per QEMU run")
    ap.add_argument("--kernel", choices=("vmlinux", "vmlinuz"), default="vmlinux",
                    help="uncompressed ELF (PVH boot, default) or Debian's bzImage")
    ap.add_argument("--flips", type=int, default=30)
    ap.add_argument("--frames", type=int, default=30)
    ap.add_argument("--kmscube-frames", type=int, default=300)
    ap.add_argument("--keep", action="store_true", help="keep the logs and screendumps")
    ap.add_argument("--no-proxy", action="store_true",
                    help="connect QEMU to the peer directly (no message log or checks)")
    ap.add_argument("--bench-frames", type=int, default=300, help="bench: gears frames")
    ap.add_argument("--bench-out", help="bench: write the table as JSON here")
    args = ap.parse_args()
    wd = tempfile.mkdtemp(prefix=f"pvgpu-qemu-{args.scenario}-")
    failed = True
    try:
        scenario(args, wd)
        failed = False
        return 0
    except Skip as e:
        print(f"SKIP: {e}")
        failed = False
        return 77
    except Fail as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        if failed or args.keep:
            print(f"logs kept in {wd}")
        else:
            shutil.rmtree(wd, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
