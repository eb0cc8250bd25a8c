#!/usr/bin/env python3
"""Apps suite driver: real Mesa clients (virpipe) under Xvfb against vtest servers.

Each test starts its own Xvfb (a free display picked by Xvfb itself with
-displayfd), its own server(s) on sockets in a private temporary directory, and
runs every client in a private mount namespace with the server's socket
bind-mounted over /tmp/.virgl_test (Mesa 22.3 hard-codes that path). Parallel
tests therefore never share a display or a socket. Everything started is killed
and the temporary directory removed at the end (kept, and its path printed, when
a test fails).

Tests:
  glxgears-pvgpu        glxgears -info for a few seconds on pvgpu-vtest (GL backend)
  glcheck-virgl         glcheck on virgl_test_server (validates glcheck itself)
  glcheck-pvgpu         glcheck on pvgpu-vtest
  glcheck-compare       glcheck output identical on both servers
  malformed-concurrent  bad raw clients are dropped while glxgears keeps running

Exit status: 0 pass, 1 fail, 77 skip (missing tool, not root, no GL backend).

Usage: run-app-test.py TEST --vtest PATH [--glcheck PATH] [--bad-client PATH] [--keep]
"""
import argparse
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
MESA_SOCKET = "/tmp/.virgl_test"


class Skip(Exception):
    pass


class Fail(Exception):
    pass


class Run:
    """Owns the temporary directory and every process a test starts."""

    def __init__(self, keep):
        self.dir = tempfile.mkdtemp(prefix="pvgpu-apps-")
        self.procs = []
        self.keep = keep
        self.display = None

    def path(self, name):
        return os.path.join(self.dir, name)

    def spawn(self, argv, log_name, env=None):
        log = open(self.path(log_name), "ab")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        log.close()
        self.procs.append(proc)
        return proc

    def log(self, log_name):
        try:
            with open(self.path(log_name), "r", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self, proc, sig=signal.SIGTERM, timeout=5.0):
        """Signals the process group, waits, escalates to SIGKILL."""
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(5)
        return proc.returncode

    def cleanup(self, failed):
        for proc in reversed(self.procs):
            self.stop(proc)
        if failed or self.keep:
            print(f"logs kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def require_tools(*tools):
    if os.geteuid() != 0:
        raise Skip("needs root (private mount namespace + bind mount of the vtest socket)")
    for tool in ("Xvfb", "unshare", "mount") + tools:
        if not shutil.which(tool):
            raise Skip(f"{tool} not found")


def start_xvfb(run):
    """Starts Xvfb on a display number it picks itself; returns ':N'."""
    rfd, wfd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdin=subprocess.DEVNULL, stdout=open(run.path("xvfb.log"), "ab"),
        stderr=subprocess.STDOUT, pass_fds=[wfd], start_new_session=True)
    run.procs.append(proc)
    os.close(wfd)
    buf = b""
    deadline = time.monotonic() + 15
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([rfd], [], [], left)[0]:
            raise Fail("Xvfb did not report a display within 15 s:\n" + run.log("xvfb.log"))
        chunk = os.read(rfd, 64)
        if not chunk:
            raise Fail("Xvfb exited:\n" + run.log("xvfb.log"))
        buf += chunk
    os.close(rfd)
    run.display = ":" + buf.decode().strip()
    return run.display


def wait_socket(run, proc, sock_path, log_name, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Fail(f"server exited ({proc.returncode}):\n" + run.log(log_name))
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(sock_path)
            return
        except OSError:
            time.sleep(0.05)
        finally:
            s.close()
    raise Fail(f"server did not listen on {sock_path} within {timeout} s")


def start_pvgpu(run, vtest):
    sock = run.path("pvgpu.sock")
    proc = run.spawn([vtest, "--backend=gl", "--socket-path=" + sock], "pvgpu.log")
    time.sleep(0.05)
    if proc.poll() is not None and "no GL backend" in run.log("pvgpu.log"):
        raise Skip("pvgpu-vtest was built without the GL backend")
    wait_socket(run, proc, sock, "pvgpu.log")
    return sock


def start_virgl(run):
    if not shutil.which("virgl_test_server"):
        raise Skip("virgl_test_server not found")
    sock = run.path("virgl.sock")
    # The '=' is required: with a space the path is taken as a replay file.
    proc = run.spawn(["virgl_test_server", "--use-egl-surfaceless", "--socket-path=" + sock],
                     "virgl.log")
    wait_socket(run, proc, sock, "virgl.log")
    return sock


def ensure_mountpoint():
    """Bind mounts need an existing target; a stale socket is what servers expect there."""
    if os.path.lexists(MESA_SOCKET):
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(MESA_SOCKET)
    except OSError:
        pass  # someone created it meanwhile
    finally:
        s.close()


def client_argv(sock, argv):
    ensure_mountpoint()
    script = 'mount --bind "$0" ' + MESA_SOCKET + ' && exec "$@"'
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, sock] + argv


def client_env(run):
    env = dict(os.environ)
    env.update(DISPLAY=run.display, GALLIUM_DRIVER="virpipe", LIBGL_ALWAYS_SOFTWARE="1")
    for var in ("MESA_LOADER_DRIVER_OVERRIDE", "LIBGL_DRIVERS_PATH", "VIRGL_DEBUG"):
        env.pop(var, None)
    # In sanitizer builds glcheck would report libGL's and libX11's own leaks at exit.
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    return env


def line_buffered(argv):
    """glxgears's stdout is a file here: make its lines appear as they are printed."""
    return (["stdbuf", "-oL"] + argv) if shutil.which("stdbuf") else argv


# Mesa draws a quad for a scissored glClear; pvgpu has no draw path yet, so its
# glcheck runs (and the comparison, on both servers) leave those checks out.
# TODO(draw path): drop this once DRAW_VBO lands in the GL backend.
GLCHECK_PVGPU_ARGS = ["--no-scissored-clears"]

FPS_RE = re.compile(r"(\d+) frames in [\d.]+ seconds")


def wait_for(pred, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def run_glxgears(run, sock, log_name="glxgears.log"):
    proc = run.spawn(client_argv(sock, line_buffered(["glxgears", "-info"])), log_name,
                     env=client_env(run))
    return proc


def finish_glxgears(run, proc, log_name):
    """Checks it is alive, stops it with SIGINT, returns its output."""
    if proc.poll() is not None:
        raise Fail(f"glxgears exited early ({proc.returncode}):\n" + run.log(log_name))
    run.stop(proc, signal.SIGINT)
    return run.log(log_name)


def check_glxgears_output(out):
    renderer = [line for line in out.splitlines() if "GL_RENDERER" in line]
    if not renderer or "pvgpu" not in renderer[0]:
        raise Fail("no GL_RENDERER line naming pvgpu:\n" + out)
    frames = [int(m.group(1)) for m in FPS_RE.finditer(out)]
    if not frames or max(frames) == 0:
        raise Fail("no fps line with frames:\n" + out)
    print(renderer[0].strip())
    print(f"fps lines: {len(frames)}, frames per line: {frames}")


def test_glxgears_pvgpu(run, args):
    require_tools("glxgears")
    start_xvfb(run)
    sock = start_pvgpu(run, args.vtest)
    proc = run_glxgears(run, sock)
    time.sleep(6.5)  # glxgears prints fps every 5 s
    # Read the server log before stopping glxgears: a client killed mid-message is
    # (rightly) logged as truncated, and that is not what this test is about.
    log = run.log("pvgpu.log")
    out = finish_glxgears(run, proc, "glxgears.log")
    check_glxgears_output(out)
    if "dropped" in log:
        raise Fail("server dropped a client:\n" + log)


def run_glcheck(run, args, sock, tag, extra):
    if not args.glcheck:
        raise Skip("glcheck not built")
    argv = client_argv(sock, [args.glcheck] + extra)
    try:
        res = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                             env=client_env(run), timeout=90, start_new_session=True)
    except subprocess.TimeoutExpired:
        raise Fail(f"glcheck on {tag} timed out")
    out, err = res.stdout.decode(errors="replace"), res.stderr.decode(errors="replace")
    with open(run.path(f"glcheck-{tag}.out"), "w") as f:
        f.write(out)
    with open(run.path(f"glcheck-{tag}.err"), "w") as f:
        f.write(err)
    return res.returncode, out, err


def test_glcheck_one(run, args, server):
    require_tools()
    start_xvfb(run)
    sock = start_pvgpu(run, args.vtest) if server == "pvgpu" else start_virgl(run)
    extra = GLCHECK_PVGPU_ARGS if server == "pvgpu" else []
    code, out, err = run_glcheck(run, args, sock, server, extra)
    sys.stdout.write(out)
    sys.stderr.write(err)
    if code != 0:
        raise Fail(f"glcheck on {server} exited {code}\n" + run.log(f"{server}.log"))
    if server == "pvgpu" and "dropped" in run.log("pvgpu.log"):
        raise Fail("server dropped glcheck:\n" + run.log("pvgpu.log"))


def test_glcheck_compare(run, args):
    require_tools()
    start_xvfb(run)
    outs = {}
    for server in ("virgl", "pvgpu"):
        sock = start_pvgpu(run, args.vtest) if server == "pvgpu" else start_virgl(run)
        _, outs[server], _ = run_glcheck(run, args, sock, server, GLCHECK_PVGPU_ARGS)
    if outs["virgl"] != outs["pvgpu"]:
        import difflib
        diff = difflib.unified_diff(outs["virgl"].splitlines(), outs["pvgpu"].splitlines(),
                                    "virgl_test_server", "pvgpu-vtest", lineterm="")
        raise Fail("glcheck output differs:\n" + "\n".join(diff))
    print(f"identical output ({len(outs['pvgpu'].splitlines())} lines)")


def test_malformed_concurrent(run, args):
    require_tools("glxgears")
    start_xvfb(run)
    sock = start_pvgpu(run, args.vtest)
    gears = run_glxgears(run, sock)
    # Wait until glxgears really renders (its -info block is printed after the first
    # make-current), so the bad clients arrive while it is mid-stream.
    if not wait_for(lambda: "GL_RENDERER" in run.log("glxgears.log"), 20):
        raise Fail("glxgears did not start:\n" + run.log("glxgears.log"))
    time.sleep(1.0)
    res = subprocess.run([sys.executable, args.bad_client, sock], capture_output=True,
                         timeout=60)
    print(res.stdout.decode(errors="replace"), end="")
    if res.returncode != 0:
        raise Fail("bad client was not dropped as expected:\n" + res.stderr.decode())
    fps_before = len(FPS_RE.findall(run.log("glxgears.log")))
    log = run.log("pvgpu.log")
    drops = [line for line in log.splitlines() if "dropped" in line]
    if len(drops) != 3 or not all("(badclient" in line for line in drops):
        raise Fail("expected three drop lines naming the bad clients:\n" + log)
    print("\n".join(drops))
    # Frames keep arriving: a fresh fps line with frames after the bad clients.
    if not wait_for(lambda: len(FPS_RE.findall(run.log("glxgears.log"))) > fps_before, 12):
        raise Fail("glxgears printed no fps line after the bad clients:\n" +
                   run.log("glxgears.log"))
    # Checked before stopping glxgears (a client killed mid-message is logged too).
    if len([line for line in run.log("pvgpu.log").splitlines() if "dropped" in line]) != 3:
        raise Fail("glxgears was dropped:\n" + run.log("pvgpu.log"))
    out = finish_glxgears(run, gears, "glxgears.log")
    frames = [int(n) for n in FPS_RE.findall(out)]
    if frames[-1] == 0:
        raise Fail("glxgears stalled after the bad clients:\n" + out)
    print(f"glxgears frames per 5 s: {frames}")


TESTS = {
    "glxgears-pvgpu": test_glxgears_pvgpu,
    "glcheck-virgl": lambda run, args: test_glcheck_one(run, args, "virgl"),
    "glcheck-pvgpu": lambda run, args: test_glcheck_one(run, args, "pvgpu"),
    "glcheck-compare": test_glcheck_compare,
    "malformed-concurrent": test_malformed_concurrent,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("test", choices=sorted(TESTS))
    ap.add_argument("--vtest", required=True, help="pvgpu-vtest binary")
    ap.add_argument("--glcheck", help="glcheck binary")
    ap.add_argument("--bad-client", default=os.path.join(os.path.dirname(__file__),
                                                          "bad_client.py"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    run = None
    failed = True
    try:
        run = Run(args.keep)
        TESTS[args.test](run, args)
        failed = False
        print(f"PASS {args.test}")
        return 0
    except Skip as e:
        failed = False
        print(f"SKIP {args.test}: {e}")
        return SKIP
    except (Fail, subprocess.TimeoutExpired) as e:
        print(f"FAIL {args.test}: {e}")
        return 1
    finally:
        if run:
            run.cleanup(failed)


if __name__ == "__main__":
    sys.exit(main())
