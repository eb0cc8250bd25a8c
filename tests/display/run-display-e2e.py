#!/usr/bin/env python3
"""pvgpu tests — the display module end to end (issue 8).

pvgpu-display with 4 outputs; two simulated VMs (pvgpu-sim, 'display'
scenario, 2 scanouts each), each through its own pvgpu-vhost-user
--display=connect:SOCK. Then, comparing what the outputs show with the
images the simulator says it drew:
  1. the VMs' scanouts land on the 4 outputs in order;
  2. pvgpu-ctl assign puts B:0 on A's first output and back; next cycles;
  3. a mode change of an output (pvgpu-ctl mode on headless; a window resize
     on SDL) reaches the VM as a display-change event, and it redraws;
  4. VM A disconnecting leaves its outputs on "no signal" and B untouched;
     A reconnecting gets its outputs back.
--sessions: one long-lived pvgpu-vhost-user --display=connect: serves two VM
sessions one after the other on its one kept daemon connection (HELLO/BYE),
the second session's frames reach the outputs; as root once more with
--sandbox=on, where it runs as nobody and could not connect to the daemon's
socket itself.

  run-display-e2e.py --bindir BUILD [--backend headless|sdl]
headless captures with pvgpu-ctl capture; sdl runs under Xvfb and captures
windows with pvgpu-x11shot (skips, exit 77, when the SDL backend is not built).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib

SKIP = 77
MODE = (160, 120)


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
            depth, ctype, interlace = body[8], body[9], body[12]
            assert depth == 8 and ctype in (2, 6) and interlace == 0, path
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def title_matches(name, title):
    """pvgpu-display names SDL windows "pvgpu SDL-1 [vm:scanout]"."""
    t = title.encode()
    return name == t or name.startswith(t + b" [")


def x11_title(display, title):
    """The full name of the X11 window whose name is `title` (+ a label), or None."""
    res = subprocess.run(["xwininfo", "-display", display, "-root", "-tree"],
                         capture_output=True, text=True)
    for line in res.stdout.splitlines():
        if '"' in line:
            name = line.split('"')[1]
            if title_matches(name.encode(), title):
                return name
    return None


def x11_resize(display, title, w, h):
    """Resizes the X11 window named `title` (like a user dragging its border)."""
    import ctypes
    import ctypes.util
    x = ctypes.CDLL(ctypes.util.find_library("X11"))
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
    x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                             ctypes.POINTER(ctypes.c_ulong),
                             ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                             ctypes.POINTER(ctypes.c_uint)]
    x.XResizeWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_uint, ctypes.c_uint]
    x.XFlush.argtypes = [ctypes.c_void_p]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x.XOpenDisplay(display.encode())
    if not dpy:
        return False

    def find(win):
        name = ctypes.c_char_p()
        if x.XFetchName(dpy, win, ctypes.byref(name)) and title_matches(name.value, title):
            return win
        root, parent, n = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_uint()
        kids = ctypes.POINTER(ctypes.c_ulong)()
        if x.XQueryTree(dpy, win, ctypes.byref(root), ctypes.byref(parent), ctypes.byref(kids),
                        ctypes.byref(n)):
            for i in range(n.value):
                found = find(kids[i])
                if found:
                    return found
        return None

    win = find(x.XDefaultRootWindow(dpy))
    if win:
        x.XResizeWindow(dpy, win, w, h)
        x.XFlush(dpy)
    x.XCloseDisplay(dpy)
    return win is not None


class Proc:
    """A child whose stdout lines are collected in the background."""

    def __init__(self, name, cmd, env=None, stdin=None):
        print("+", " ".join(cmd), flush=True)
        self.name, self.lines = name, []
        self.p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, env=env)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            self.lines.append(line.rstrip("\n"))
            print(f"[{self.name}] {line}", end="", flush=True)

    def wait_line(self, text, after=0, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if any(text in l for l in self.lines[after:]):
                return True
            if self.p.poll() is not None and not any(text in l for l in self.lines[after:]):
                time.sleep(0.2)
                return any(text in l for l in self.lines[after:])
            time.sleep(0.05)
        return False

    def stop(self, timeout=20):
        if self.p.stdin:
            self.p.stdin.close()
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return -9


class Test:
    def __init__(self, args, tmp):
        self.args, self.tmp, self.failures, self.step = args, tmp, 0, 0
        self.bin = lambda *p: os.path.join(args.bindir, *p)
        self.sock = os.path.join(tmp, "display.sock")
        self.env = dict(os.environ)

    def check(self, cond, what):
        print(("ok   " if cond else "FAIL ") + what, flush=True)
        self.failures += 0 if cond else 1
        return cond

    def ctl(self, *cmd, json_out=False):
        c = [self.bin("display", "pvgpu-ctl"), "--control=" + self.sock]
        c += ["--json"] if json_out else []
        r = subprocess.run(c + list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=30, env=self.env)
        print(f"$ pvgpu-ctl {' '.join(cmd)} -> {r.returncode}\n{r.stdout}", end="", flush=True)
        return r.returncode, (json.loads(r.stdout) if json_out and r.returncode == 0 else r.stdout)

    def routes(self):
        code, out = self.ctl("show", json_out=True)
        return {o["name"]: (f'{o["vm"]}:{o["scanout"]}' if o["vm"] else None)
                for o in out["outputs"]} if code == 0 else {}

    def capture(self, output):
        self.step += 1
        path = os.path.join(self.tmp, f"step{self.step}-{output}.png")
        if self.args.backend == "headless":
            code, _ = self.ctl("capture", output, path)
        else:
            title = self.args.window_title.format(output=output)
            code = subprocess.run([self.args.x11shot, "--window=" + title, path],
                                  env=self.env, timeout=30).returncode
        return path if code == 0 and os.path.exists(path) else None

    def same(self, output, expected, what):
        """What `output` shows equals the PNG `expected` (pixels, ignoring alpha)."""
        for attempt in range(20):  # frames may still be on their way
            got = self.capture(output)
            if got and expected and os.path.exists(expected):
                gw, gh, g = png_pixels(got)
                ew, eh, e = png_pixels(expected)
                if (gw, gh) == (ew, eh):
                    diff = [(x, y) for y in range(eh) for x in range(ew) if g[y][x] != e[y][x]]
                    if not diff:
                        return self.check(True, f"{what}: {output} shows {os.path.basename(expected)}")
                    x, y = diff[0]
                    xs, ys = [d[0] for d in diff], [d[1] for d in diff]
                    note = (f"{len(diff)} of {ew * eh} pixels differ in x {min(xs)}..{max(xs)} "
                            f"y {min(ys)}..{max(ys)}; first at {x},{y}: {g[y][x]} not {e[y][x]}")
                else:
                    note = f"{gw}x{gh}, expected {ew}x{eh}"
            else:
                note = "no capture"
            time.sleep(0.1)
        return self.check(False, f"{what}: {output} vs {expected}: {note}")

    def no_signal(self, output, reference, what):
        return self.same(output, reference, what + " (no signal)")

    def vm(self, name, index):
        out = os.path.join(self.tmp, name)
        backend = (f"{self.bin('qemu-glue', 'pvgpu-vhost-user')} --no-virgl --max-outputs=2 "
                   f"--display=connect:{self.sock} --display-name={name}")
        p = Proc(name, [self.bin("qemu-glue", "sim", "pvgpu-sim"), "--backend-exec", backend,
                        "--scanouts", "2", "--scenario", "display", "--first-vm", str(index),
                        "--out", out, "--timeout-ms", "10000"],
                 env=self.env, stdin=subprocess.PIPE)
        p.out, p.index = out, index
        return p

    def expected(self, vm, scanout):
        return os.path.join(vm.out, f"vm{vm.index}-scanout{scanout}.png")


def run(t, outputs):
    o1, o2, o3, o4 = outputs
    nosig = t.capture(o1)
    t.check(nosig is not None, "capture before any VM")
    a = t.vm("A", 0)
    t.check(a.wait_line("display: ready"), "VM A ready")
    b = t.vm("B", 1)
    t.check(b.wait_line("display: ready"), "VM B ready")
    try:
        # 1. Free outputs in order.
        t.check(t.routes() == {o1: "A:0", o2: "A:1", o3: "B:0", o4: "B:1"}, "default routes")
        t.same(o1, t.expected(a, 0), "1")
        t.same(o2, t.expected(a, 1), "1")
        t.same(o3, t.expected(b, 0), "1")
        t.same(o4, t.expected(b, 1), "1")
        # 2. assign and back, next cycles.
        t.check(t.ctl("assign", "B:0", o1)[0] == 0, "assign B:0 " + o1)
        t.same(o1, t.expected(b, 0), "2 assign")
        if t.args.backend == "sdl":
            name = x11_title(t.env["DISPLAY"], t.args.window_title.format(output=o1))
            t.check(name is not None and name.endswith("[B:0]"),
                    f"window of {o1} titled with the VM and scanout it shows: {name!r}")
        t.check(t.ctl("assign", "A:0", o1)[0] == 0, "assign A:0 back")
        t.same(o1, t.expected(a, 0), "2 assign back")
        t.check(t.ctl("next", o1)[0] == 0 and t.routes().get(o1) == "B:0", "next -> B:0")
        t.same(o1, t.expected(b, 0), "2 next")
        t.check(t.ctl("next", o1)[0] == 0 and t.routes().get(o1) == "A:0", "next -> A:0")
        t.same(o1, t.expected(a, 0), "2 next")
        t.check(t.ctl("assign", "Z:0", o1)[0] == 1, "assign of an unknown VM refused")
        # 3. A mode change reaches the guest, which redraws at that size. (The
        # last output: SDL windows sit left to right without a window manager,
        # and a grown window must not overlap another one for its screenshot.)
        mark = len(b.lines)
        if t.args.backend == "headless":
            t.check(t.ctl("mode", o4, "200x150")[0] == 0, "mode " + o4)
        else:
            t.check(x11_resize(t.env["DISPLAY"], t.args.window_title.format(output=o4), 200, 150),
                    "resize the window of " + o4)
        t.check(b.wait_line("display-change: scanout 1 200x150", after=mark),
                "VM B saw the display-change event with 200x150")
        t.check(b.wait_line("scanout 1 200x150 shown", after=mark), "VM B redrew")
        t.same(o4, t.expected(b, 1), "3 resize")
        # 4. A leaves: no signal there, B untouched; A comes back.
        t.check(a.stop() == 0, "VM A passed and left")
        time.sleep(0.3)
        t.check(t.routes() == {o1: None, o2: None, o3: "B:0", o4: "B:1"}, "A's outputs free")
        t.no_signal(o1, nosig, "4")
        t.same(o3, t.expected(b, 0), "4 B undisturbed")
        t.same(o4, t.expected(b, 1), "4 B undisturbed")
        a = t.vm("A", 0)
        t.check(a.wait_line("display: ready"), "VM A back")
        t.check(t.routes() == {o1: "A:0", o2: "A:1", o3: "B:0", o4: "B:1"}, "A got its outputs back")
        t.same(o1, t.expected(a, 0), "4 reconnect")
        t.same(o2, t.expected(a, 1), "4 reconnect")
    finally:
        t.check(a.stop() == 0, "VM A passed")
        t.check(b.stop() == 0, "VM B passed")


def run_inprocess(args, tmp):
    """pvgpu-vhost-user --display=headless:2 (router and outputs in process),
    pvgpu-ctl through --display-control: the VM's scanouts show there."""
    t = Test(args, tmp)
    t.sock = os.path.join(tmp, "inproc.sock")
    backend = (f"{t.bin('qemu-glue', 'pvgpu-vhost-user')} --no-virgl --max-outputs=2 "
               f"--resolution=96x64 --display=headless:2 --display-control={t.sock} "
               "--display-name=solo")
    vm = Proc("solo", [t.bin("qemu-glue", "sim", "pvgpu-sim"), "--backend-exec", backend,
                       "--scanouts", "2", "--scenario", "display", "--out", tmp],
              stdin=subprocess.PIPE)
    vm.out, vm.index = tmp, 0
    t.check(vm.wait_line("display: ready"), "VM ready")
    t.check(t.routes() == {"HEADLESS-1": "solo:0", "HEADLESS-2": "solo:1"}, "routes")
    t.same("HEADLESS-1", t.expected(vm, 0), "in process")
    t.same("HEADLESS-2", t.expected(vm, 1), "in process")
    t.check(vm.stop() == 0, "VM passed")
    print(f"display-inprocess: {'all passed' if not t.failures else f'{t.failures} FAILED'}")
    return 1 if t.failures else 0


def sandbox_skip_reason(vhost):
    """Why the --sandbox=on part cannot run here, or None."""
    if os.geteuid() != 0:
        return "not root: there is no privilege drop to show"
    ldd = subprocess.run(["ldd", vhost], stdout=subprocess.PIPE, text=True).stdout
    if "libasan" in ldd:
        return "sanitizer build (the ASan runtime does not survive the seccomp filter)"
    helptext = subprocess.run([vhost, "--help"], stdout=subprocess.PIPE, text=True).stdout
    if "built without libseccomp" in helptext:
        return "built without libseccomp"
    return None


def proc_uid(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Uid:"):
                return int(line.split()[1])
    return None


def run_sessions(args, tmp, sandbox, fallback=False):
    """Two VM sessions in a row through one pvgpu-vhost-user --display=connect:.
    fallback: the daemon starts only after the back end, and restarts between
    the sessions: each session then connects itself."""
    t = Test(args, tmp)
    vhost = t.bin("qemu-glue", "pvgpu-vhost-user")
    vm_sock, stats = os.path.join(tmp, "vm.sock"), os.path.join(tmp, "stats.jsonl")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PVGPU_SANDBOX")}
    what = f"--sandbox={sandbox}" + (", fallback" if fallback else "")
    daemons, be = [], None

    def start_display():
        d = Proc("display", [t.bin("display", "pvgpu-display"), "--backend=headless:2",
                             "--control=" + t.sock, f"--mode={MODE[0]}x{MODE[1]}"])
        daemons.append(d)
        return t.check(d.wait_line("listening"), "pvgpu-display started")

    def stop_display():
        daemons[-1].p.terminate()
        daemons[-1].p.wait(10)

    try:
        if not fallback and not start_display():
            return 1
        be = Proc("vhost", [vhost, "--socket-path=" + vm_sock, "--no-virgl", "--max-outputs=2",
                            "--display=connect:" + t.sock, "--display-name=S",
                            "--stats-file=" + stats, "--sandbox=" + sandbox], env=env)
        for _ in range(200):
            if os.path.exists(vm_sock) or be.p.poll() is not None:
                break
            time.sleep(0.05)
        if not t.check(os.path.exists(vm_sock), "pvgpu-vhost-user listens"):
            return 1
        if sandbox == "on":
            uid = proc_uid(be.p.pid)
            t.check(uid not in (None, 0), f"pvgpu-vhost-user dropped root (uid {uid})")
        for i in range(2):
            if fallback:
                if i:
                    stop_display()
                if not start_display():
                    return 1
            nosig = t.capture("HEADLESS-1")
            out = os.path.join(tmp, f"session{i}")
            vm = Proc(f"vm{i}", [t.bin("qemu-glue", "sim", "pvgpu-sim"),
                                 "--backend-socket=" + vm_sock, "--scanouts", "2",
                                 "--scenario", "display", "--first-vm", str(i), "--out", out,
                                 "--timeout-ms", "10000"], stdin=subprocess.PIPE)
            vm.out, vm.index = out, i
            t.check(vm.wait_line("display: ready"), f"session {i} ready")
            t.check(t.routes() == {"HEADLESS-1": "S:0", "HEADLESS-2": "S:1"}, f"session {i} routes")
            t.same("HEADLESS-1", t.expected(vm, 0), f"session {i}")
            t.same("HEADLESS-2", t.expected(vm, 1), f"session {i}")
            t.check(vm.stop() == 0, f"session {i} passed and left")
            time.sleep(0.3)
            t.check(t.routes() == {"HEADLESS-1": None, "HEADLESS-2": None},
                    f"after session {i}: outputs free")
            t.no_signal("HEADLESS-1", nosig, f"after session {i}")
        t.check(be.p.poll() is None, "pvgpu-vhost-user still serving")
        own = sum("for this session" in l for l in be.lines)
        t.check(own == (2 if fallback else 0),
                f"sessions that connected themselves: {own}")
        hellos = sum("VM S connected" in l for d in daemons for l in d.lines)
        byes = sum("VM S left (the connection stays)" in l for d in daemons for l in d.lines)
        t.check(hellos == 2 and byes == 2, f"the daemon saw HELLO and BYE twice: {hellos}, {byes}")
        lines = open(stats).read().splitlines() if os.path.exists(stats) else []
        t.check(len(lines) == 2 and all(json.loads(l)["flushes"] > 0 for l in lines),
                f"one stats line per session: {lines}")
    finally:
        if be:
            be.p.terminate()
            be.p.wait(10)
        for d in daemons:
            d.p.terminate()
            d.p.wait(10)
    print(f"display-sessions ({what}): {'all passed' if not t.failures else f'{t.failures} FAILED'}")
    return 1 if t.failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--backend", default="headless", choices=["headless", "sdl"])
    ap.add_argument("--inprocess", action="store_true",
                    help="one VM with the display inside pvgpu-vhost-user instead")
    ap.add_argument("--sessions", action="store_true",
                    help="two VM sessions in a row on one back end (and again sandboxed)")
    ap.add_argument("--x11shot", default=None)
    ap.add_argument("--window-title", default="pvgpu {output}",
                    help="SDL: window title of an output (format with {output})")
    args = ap.parse_args()
    display = os.path.join(args.bindir, "display", "pvgpu-display")
    with tempfile.TemporaryDirectory() as tmp:
        if args.inprocess:
            return run_inprocess(args, tmp)
        if args.sessions:
            vhost = os.path.join(args.bindir, "qemu-glue", "pvgpu-vhost-user")
            bad = subprocess.run([vhost, "--socket-path=" + os.path.join(tmp, "x.sock"),
                                  "--no-virgl", "--stats-file=" + os.path.join(tmp, "no", "f")],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 timeout=60)
            ok = bad.returncode == 2 and "cannot open --stats-file" in bad.stdout
            print(("ok   " if ok else "FAIL ") + "an unopenable --stats-file: exit "
                  f"{bad.returncode}: {bad.stdout.strip()}")
            status = run_sessions(args, tmp, "off") or (0 if ok else 1)
            sub = os.path.join(tmp, "fallback")
            os.mkdir(sub)
            status = run_sessions(args, sub, "off", fallback=True) or status
            why = sandbox_skip_reason(os.path.join(args.bindir, "qemu-glue", "pvgpu-vhost-user"))
            if why:
                print(f"SKIP the --sandbox=on part: {why}")
                return status
            sub = os.path.join(tmp, "sandboxed")
            os.mkdir(sub)
            return run_sessions(args, sub, "on") or status
        t = Test(args, tmp)
        xvfb = None
        if args.backend == "sdl":
            helptext = subprocess.run([display, "--help"], stdout=subprocess.PIPE,
                                      text=True).stdout
            if "sdl" not in helptext:
                print("SKIP: the SDL backend is not built")
                return SKIP
            if not shutil.which("Xvfb") or not args.x11shot:
                print("SKIP: needs Xvfb and pvgpu-x11shot")
                return SKIP
            # A display Xvfb picks itself: parallel runs (CI next to a developer's
            # tests) must not fight over a fixed number.
            rfd, wfd = os.pipe()
            xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0",
                                     "1280x1024x24", "-nolisten", "tcp", "-noreset"],
                                    pass_fds=[wfd], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            os.close(wfd)
            with os.fdopen(rfd) as r:
                number = r.readline().strip()
            if not number:
                print("FAIL: Xvfb did not report a display")
                return 1
            t.env["DISPLAY"] = ":" + number
        spec = f"{args.backend}:4"
        d = Proc("display", [display, "--backend=" + spec, "--control=" + t.sock,
                             f"--mode={MODE[0]}x{MODE[1]}"], env=t.env)
        try:
            if not d.wait_line("listening"):
                print("FAIL: pvgpu-display did not start")
                return 1
            code, out = t.ctl("outputs", json_out=True)
            names = [o["name"] for o in out["outputs"]] if code == 0 else []
            if not t.check(len(names) == 4, f"4 outputs: {names}"):
                return 1
            run(t, names)
            t.check(d.p.poll() is None, "pvgpu-display still running")
        finally:
            d.p.terminate()
            d.p.wait(10)
            if xvfb:
                xvfb.terminate()
                xvfb.wait(10)
        print(f"display-e2e ({args.backend}): {'all passed' if not t.failures else f'{t.failures} FAILED'}")
        return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main())
