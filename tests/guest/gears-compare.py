#!/usr/bin/env python3
"""Guest suite: pvgpu-gears gives the same frame through every path.

Issue 6, acceptance 1: `pvgpu-gears --frames 10 --png` through vtest ->
virgl_test_server, vtest -> pvgpu-vtest and inproc -> pvgpu must agree on
>= 99.9 % of pixels within +-1 per channel (all rendered here; no stored
reference images). pvgpu-gears takes the socket path as an option, so no mount
namespace or X display is needed. Exit 77 (skip) when virgl_test_server is
missing or pvgpu has no GL backend.

Usage: gears-compare.py --gears PATH --vtest PATH [--keep]
"""
import argparse
import importlib.util
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "run_app_test", os.path.join(HERE, "..", "apps", "run-app-test.py"))
apps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(apps)


def gears(run, args, tag, extra):
    out = run.path(f"{tag}.png")
    argv = [args.gears, "--frames", "10", "--size", "300x300", "--png", out] + extra
    res = subprocess.run(argv, capture_output=True, timeout=120)
    text = (res.stdout + res.stderr).decode(errors="replace")
    print(f"{tag}: {text.strip().splitlines()[0] if text.strip() else ''}")
    if res.returncode != 0:
        raise apps.Fail(f"pvgpu-gears via {tag} failed ({res.returncode}):\n{text}")
    return apps.images.read_png(out)


def compare(run, args):
    socks = {"virgl": apps.start_virgl(run), "pvgpu": apps.start_pvgpu(run, args.vtest)}
    imgs = {
        "vtest-virgl": gears(run, args, "vtest-virgl", ["--socket", socks["virgl"]]),
        "vtest-pvgpu": gears(run, args, "vtest-pvgpu", ["--socket", socks["pvgpu"]]),
        "inproc-pvgpu": gears(run, args, "inproc-pvgpu", ["--winsys=inproc"]),
    }
    failed = []
    for a, b in (("vtest-virgl", "vtest-pvgpu"), ("vtest-virgl", "inproc-pvgpu"),
                 ("vtest-pvgpu", "inproc-pvgpu")):
        frac = apps.images.compare_images(imgs[a], imgs[b], tol=1)
        print(f"{a} vs {b}: {frac * 100:.3f} % of pixels within +-1")
        if frac < 0.999:
            failed.append(f"{a}/{b}")
    # A blank frame would match everywhere: the gears must cover a real area.
    w, h, ch, px = imgs["vtest-virgl"]
    lit = sum(1 for i in range(0, len(px), ch) if px[i] + px[i + 1] + px[i + 2] > 60)
    print(f"lit pixels: {lit} of {w * h}")
    if lit < w * h // 10:
        failed.append("frame nearly empty")
    if failed:
        raise apps.Fail("frames differ: " + ", ".join(failed) + f" (images in {run.dir})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gears", required=True)
    ap.add_argument("--vtest", required=True)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    run = apps.Run(args.keep)
    failed = True
    try:
        compare(run, args)
        failed = False
        print("PASS gears-compare")
        return 0
    except apps.Skip as e:
        failed = False
        print(f"SKIP gears-compare: {e}")
        return apps.SKIP
    except (apps.Fail, subprocess.TimeoutExpired) as e:
        print(f"FAIL gears-compare: {e}")
        return 1
    finally:
        run.cleanup(failed)


if __name__ == "__main__":
    sys.exit(main())
