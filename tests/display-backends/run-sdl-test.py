#!/usr/bin/env python3
"""Runs the SDL output-backend test (test-sdl) under a private Xvfb.

Reuses the apps suite's Xvfb helpers (a display picked by Xvfb with -displayfd,
logs in a private temporary directory, everything killed at the end).
Exit status: the test's own (0 pass, 1 fail), 77 skip (no Xvfb).

Usage: run-sdl-test.py TEST_SDL --x11shot PATH [--keep]
"""
import argparse
import importlib.util
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "run_app_test", os.path.join(HERE, "..", "apps", "run-app-test.py"))
apps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(apps)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("test")
    ap.add_argument("--x11shot", required=True)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not shutil.which("Xvfb"):
        print("SKIP: Xvfb not found")
        return apps.SKIP
    run = apps.Run(args.keep)
    rc = 1
    try:
        display = apps.start_xvfb(run)
        env = dict(os.environ, DISPLAY=display)
        rc = subprocess.run([args.test, "--x11shot", args.x11shot, "--tmp", run.dir],
                            env=env, timeout=120).returncode
    except apps.Fail as e:
        print(f"FAIL: {e}")
    except subprocess.TimeoutExpired:
        print("FAIL: test-sdl did not finish within 120 s")
    finally:
        run.cleanup(rc not in (0, apps.SKIP))
    return rc


if __name__ == "__main__":
    sys.exit(main())
