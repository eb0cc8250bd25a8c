#!/usr/bin/env python3
"""Builds the qemu suite's initramfs images from the fetch cache (scripts/qemu-fetch.sh).

  min:  busybox, the virtio-gpu modules in dependency order, /init and our static
        guest programs (pvgpu-qemu-pattern, pvgpu-gears-kms)
  mesa: min + kmscube and the guest's Mesa (Debian 12): only the shared objects
        kmscube, EGL's Mesa vendor library and the virtio_gpu DRI driver need

Written as a newc cpio by this script (no root, no cpio tool); rebuilt only when
an input is newer than the image.

usage: build_initramfs.py --cache DIR --out FILE --kind min|mesa --prog PATH...
"""
import argparse
import fcntl
import os
import re
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT_MODULES = ["virtio_pci", "virtio_gpu"]
LIBDIR = "usr/lib/x86_64-linux-gnu"


class Cpio:
    """A newc archive written entry by entry."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.ino = 1
        self.names = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        if name in self.names:
            return
        self.names.add(name)
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0))
        self.ino += 1
        self.f.write(hdr.encode() + nb)
        self.f.write(b"\0" * ((4 - (110 + len(nb)) % 4) % 4))
        self.f.write(data)
        self.f.write(b"\0" * ((4 - len(data) % 4) % 4))

    def dir(self, name):
        parts = name.split("/")
        for i in range(1, len(parts) + 1):
            self._entry("/".join(parts[:i]), stat.S_IFDIR | 0o755)

    def file(self, name, src=None, data=None, mode=0o755):
        self.dir(os.path.dirname(name)) if "/" in name else None
        if data is None:
            with open(src, "rb") as f:
                data = f.read()
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self.dir(os.path.dirname(name)) if "/" in name else None
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def close(self):
        self._entry("TRAILER!!!", 0)
        self.f.close()


def module_order(kdir):
    """Module files for ROOT_MODULES with every dependency first (.modinfo depends=)."""
    index = {}
    for dp, _, files in os.walk(os.path.join(kdir, "kernel")):
        for f in files:
            if f.endswith(".ko"):
                index[f[:-3].replace("-", "_")] = os.path.join(dp, f)
    order, seen = [], set()

    def visit(m):
        if m in seen:
            return
        seen.add(m)
        if m not in index:
            raise SystemExit(f"module {m} not in {kdir}")
        with open(index[m], "rb") as f:
            s = re.search(rb"\x00depends=([^\x00]*)\x00", f.read())
        for d in (s.group(1).decode().split(",") if s else []):
            if d:
                visit(d.replace("-", "_"))
        order.append(index[m])

    for m in ROOT_MODULES:
        visit(m)
    return order


def needed(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def mesa_closure(mesa):
    """(path inside the image, file in the cache) of kmscube, Mesa's EGL/DRI and their libs."""
    search = [os.path.join(mesa, d) for d in (LIBDIR, "lib/x86_64-linux-gnu", "lib64")]
    roots = [("usr/bin/kmscube", os.path.join(mesa, "usr/bin/kmscube")),
             (LIBDIR + "/libEGL_mesa.so.0", os.path.join(mesa, LIBDIR, "libEGL_mesa.so.0")),
             (LIBDIR + "/dri/virtio_gpu_dri.so",
              os.path.join(mesa, LIBDIR, "dri/virtio_gpu_dri.so"))]
    files, todo = dict(roots), [p for _, p in roots]
    while todo:
        for lib in needed(todo.pop()):
            dst = LIBDIR + "/" + lib
            if dst in files:
                continue
            src = next((os.path.join(d, lib) for d in search
                        if os.path.exists(os.path.join(d, lib))), None)
            if not src:
                raise SystemExit(f"guest Mesa: {lib} not found in the cache")
            files[dst] = src
            todo.append(src)
    files["lib64/ld-linux-x86-64.so.2"] = os.path.join(mesa, "lib64/ld-linux-x86-64.so.2")
    files["usr/share/glvnd/egl_vendor.d/50_mesa.json"] = os.path.join(
        mesa, "usr/share/glvnd/egl_vendor.d/50_mesa.json")
    return files


def inputs(args):
    kver = open(os.path.join(args.cache, "kernel.stamp")).read().strip()
    kdir = os.path.join(args.cache, "kernel/lib/modules", kver)
    files = {"bin/busybox": os.path.join(args.cache, "kernel/bin/busybox"),
             "init": os.path.join(HERE, "guest/init.sh")}
    mods = module_order(kdir)
    for m in mods:
        files["modules/" + os.path.basename(m)] = m
    for p in args.prog:
        files["bin/" + os.path.basename(p)] = p
    if args.kind == "mesa":
        files.update(mesa_closure(os.path.join(args.cache, "mesa")))
    return files, [os.path.basename(m) for m in mods]


def build(args):
    files, mods = inputs(args)
    newest = max(os.path.getmtime(p) for p in list(files.values()) + [__file__])
    if os.path.exists(args.out) and os.path.getmtime(args.out) >= newest:
        return False
    tmp = args.out + ".tmp"
    c = Cpio(tmp)
    for d in ("dev", "proc", "sys", "tmp", "usr/bin", "run"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3)
    c.symlink("bin/sh", "busybox")
    c.file("modules/order", data=("\n".join(mods) + "\n").encode(), mode=0o644)
    if args.kind == "mesa":
        c.symlink("lib", "usr/lib")
        c.dir(LIBDIR)
    for dst, src in sorted(files.items()):
        c.file(dst, src, mode=0o755 if os.access(src, os.X_OK) else 0o644)
    c.close()
    os.replace(tmp, args.out)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kind", choices=("min", "mesa"), default="min")
    ap.add_argument("--prog", action="append", default=[])
    args = ap.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = build(args)
    print(f"{args.out}: {'built' if built else 'up to date'}, "
          f"{os.path.getsize(args.out) / 1e6:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
