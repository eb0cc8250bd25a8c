#!/usr/bin/env python3
"""Test of pvgpu-bench: a two-workload quick run (glxgears, mb-draws; 1 round; all three
paths) plus two virtqueue workloads (vq-cmds, vq-blob: pvgpu-sim against
pvgpu-vhost-user), then results.json is validated against bench/results.schema.json and every
PNG it lists must decode. Numbers are never judged: only that each path produced
one (the bench reports targets; it never asserts them).

Exit status: 0 pass, 1 fail, 77 skip (not root, or Xvfb, glxgears, virgl_test_server
or gnuplot missing).
Usage: test-bench.py PVGPU-BENCH --build BUILD-DIR [--schema FILE]
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
         "integer": int, "number": (int, float)}


def type_ok(value, names):
    names = names if isinstance(names, list) else [names]
    for n in names:
        if isinstance(value, bool) and n in ("integer", "number"):
            continue  # JSON booleans are not numbers
        if isinstance(value, TYPES[n]):
            return True
    return False


def validate(value, schema, where="$"):
    """The subset of JSON Schema results.schema.json uses; returns a list of errors."""
    errs = []
    if "type" in schema and not type_ok(value, schema["type"]):
        return [f"{where}: expected {schema['type']}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errs.append(f"{where}: missing '{key}'")
        props = schema.get("properties", {})
        for key, v in value.items():
            sub = props.get(key, schema.get("additionalProperties"))
            if isinstance(sub, dict):
                errs += validate(v, sub, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            errs += validate(v, schema["items"], f"{where}[{i}]")
    return errs


def decode_png(path):
    """Checks signature, chunk CRCs, IHDR and that IDAT inflates to exactly the image."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG signature")
    pos, idat, ihdr, seen_end = 8, b"", None, False
    while pos + 12 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) != crc:
            raise ValueError(f"bad CRC in {ctype!r}")
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        elif ctype == b"IEND":
            seen_end = True
        pos += 12 + length
    if not ihdr or not seen_end:
        raise ValueError("missing IHDR or IEND")
    w, h, depth, color, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    if interlace != 0:
        raise ValueError("interlaced PNG not expected from gnuplot")
    row = (w * channels * depth + 7) // 8
    raw = zlib.decompress(idat)
    if len(raw) != h * (row + 1):
        raise ValueError(f"{len(raw)} bytes of pixel data for {w}x{h}")
    if any(raw[y * (row + 1)] > 4 for y in range(h)):
        raise ValueError("bad row filter type")
    return w, h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--build", required=True)
    ap.add_argument("--schema", default=os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "results.schema.json"))
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("SKIP: needs root (private mount namespaces)")
        return SKIP
    for tool in ("Xvfb", "glxgears", "virgl_test_server", "gnuplot", "unshare"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} not found")
            return SKIP
    out = tempfile.mkdtemp(prefix="pvgpu-bench-test-")
    cmd = [sys.executable, args.bench, "--quick", "--workloads",
           "glxgears,mb-draws,vq-cmds,vq-blob",
           "--rounds", "1", "--out", out, "--build", args.build]
    print(" ".join(cmd), flush=True)
    res = subprocess.run(cmd, timeout=280)
    failures = []
    if res.returncode != 0:
        failures.append(f"pvgpu-bench exited {res.returncode}")
    try:
        with open(os.path.join(out, "results.json")) as f:
            results = json.load(f)
        with open(args.schema) as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        print(f"FAIL: {e} (output kept in {out})")
        return 1
    failures += validate(results, schema)
    try:
        import jsonschema  # a second opinion when the package is installed
        jsonschema.validate(results, schema)
    except ImportError:
        pass
    except Exception as e:  # jsonschema.ValidationError
        failures.append(f"jsonschema: {str(e).splitlines()[0]}")

    names = [w["name"] for w in results.get("workloads", [])]
    if names != ["glxgears", "mb-draws"]:
        failures.append(f"workloads {names}")
    for w in results.get("workloads", []):
        for path in ("native", "virgl", "pvgpu"):
            r = w["results"].get(path, {})
            if not r.get("median") or r["median"] <= 0 or r.get("errors"):
                failures.append(f"{w['name']} on {path}: no value ({r.get('errors')})")
        if w["results"].get("pvgpu", {}).get("copied_bytes_per_frame") is None:
            failures.append(f"{w['name']}: no pvgpu copy counters")
        if w["results"].get("virgl", {}).get("server_cpu_ms_per_frame") is None:
            failures.append(f"{w['name']}: no server CPU for virgl")
    vq_rows = results.get("virtqueue", {}).get("rows", [])
    pvgpu_vq = {(r["workload"], r["resolution"]): r for r in vq_rows if r["backend"] == "pvgpu"}
    want_vq = [("vq-cmds", "640x480"), ("vq-blob", "1920x1080"), ("vq-blob", "3840x2160")]
    if sorted(pvgpu_vq) != sorted(want_vq):
        failures.append(f"virtqueue rows {sorted(pvgpu_vq)}, expected {want_vq}")
    for key, r in pvgpu_vq.items():
        if not r["median"] or r["median"] <= 0 or r["errors"]:
            failures.append(f"{key} on pvgpu: no value ({r['errors']})")
        if key[0] == "vq-blob" and r["bytes_copied_per_op"] != 0:
            failures.append(f"{key}: the device copied {r['bytes_copied_per_op']} B per frame")
    if len(results.get("targets", [])) != 6:
        failures.append("expected 6 targets")
    if not os.path.exists(os.path.join(out, "report.md")):
        failures.append("no report.md")
    plots = results.get("plots", [])
    if len(plots) < 2:
        failures.append(f"expected >= 2 plots, got {plots}")
    for p in plots:
        try:
            w, h = decode_png(os.path.join(out, p))
            print(f"{p}: {w}x{h} PNG decodes")
        except (OSError, ValueError, KeyError, zlib.error, struct.error) as e:
            failures.append(f"{p}: {e}")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures) + f"\noutput kept in {out}")
        return 1
    shutil.rmtree(out, ignore_errors=True)
    print("PASS pvgpu-bench quick run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
