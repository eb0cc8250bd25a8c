"""pvgpu-bench's virtqueue workloads: pvgpu-sim --bench against vhost-user-gpu back ends.

No VM and no X: pvgpu-sim plays QEMU (guest RAM in a memfd, split virtqueues, the
display channel) and measures, per back end:
  vq-cmds   GET_DISPLAY_INFO round trips (commands/s)
  vq-fence  fenced 1x1 TRANSFER_TO_HOST_2D one at a time (round trip median/p99)
  vq-2d     full-frame TRANSFER_TO_HOST_2D + RESOURCE_FLUSH at 1080p and 4K (frames/s)
  vq-blob   guest writes into a BLOB_MEM_GUEST scanout + RESOURCE_FLUSH at 1080p, 4K
Back ends: pvgpu-vhost-user (with --stats-file: the device's own copies per frame) and
QEMU's reference /usr/lib/qemu/vhost-user-gpu when installed (no counters; it offers
no blobs). Imported by pvgpu-bench.
"""
import json
import os
import statistics
import subprocess

QEMU_REFERENCE = "/usr/lib/qemu/vhost-user-gpu"
WORKLOADS = ["vq-cmds", "vq-fence", "vq-2d", "vq-blob"]
RESOLUTIONS = {"vq-cmds": ["640x480"], "vq-fence": ["640x480"],
               "vq-2d": ["1920x1080", "3840x2160"], "vq-blob": ["1920x1080", "3840x2160"]}
RAM_MB = 320  # a 4K frame is 33 MB of guest RAM (three quarters are usable)


def tools(build):
    sim = os.path.join(build, "qemu-glue", "sim", "pvgpu-sim")
    vhost = os.path.join(build, "qemu-glue", "pvgpu-vhost-user")
    missing = [p for p in (sim, vhost) if not os.access(p, os.X_OK)]
    return sim, vhost, missing


def backends(vhost):
    """name -> (command for --backend-exec, counts copies)."""
    out = {"pvgpu": (f"{vhost} --no-virgl --stats-file=%STATS%", True)}
    if os.access(QEMU_REFERENCE, os.X_OK):
        out["qemu"] = (QEMU_REFERENCE, False)
    return out


def run_one(sim, cmd, stats, workload, resolution, seconds, log):
    """One pvgpu-sim --bench run: its JSON result, or {"error": ...}, or {"skipped": ...}."""
    argv = [sim, "--backend-exec", cmd, "--bench", workload[3:], "--seconds", str(seconds),
            "--json", "--resolution", resolution, "--ram", str(RAM_MB)]
    if stats:
        argv += ["--stats-file", stats]
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60 + 4 * seconds)
    except subprocess.TimeoutExpired:
        return {"error": "timed out"}
    text = p.stdout.decode(errors="replace")
    with open(log, "a") as f:
        f.write("+ " + " ".join(argv) + "\n" + text)
    if p.returncode == 77:
        return {"skipped": "the back end does not offer it"}
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                break
    return {"error": f"pvgpu-sim exited {p.returncode}: " + text.strip()[-200:]}


def run_all(build, wanted, rounds, seconds, logdir, progress):
    """Runs every wanted workload x resolution x back end, interleaved per round."""
    section = {"seconds": seconds, "rounds": rounds, "ram_mb": RAM_MB, "backends": {},
               "rows": [], "notes": []}
    if not wanted:
        return section
    sim, vhost, missing = tools(build)
    if missing:
        section["notes"].append("not built: " + ", ".join(missing))
        return section
    bes = backends(vhost)
    section["backends"] = {name: cmd.split()[0] for name, (cmd, _) in bes.items()}
    if "qemu" not in bes:
        section["notes"].append(f"{QEMU_REFERENCE} not installed: pvgpu only "
                                "(Debian: qemu-system-gui)")
    section["notes"].append("the reference back end offers no blobs (QEMU masks "
                            "RESOURCE_BLOB); only pvgpu-simulated guests use them")
    runs = {}
    stats = os.path.join(logdir, "vq-stats.jsonl")
    log = os.path.join(logdir, "vq-bench.log")
    for rnd in range(rounds):
        for wl in wanted:
            for res in RESOLUTIONS[wl]:
                for be, (cmd, counts) in bes.items():
                    if wl == "vq-blob" and be == "qemu":
                        continue
                    r = run_one(sim, cmd, stats if counts else None, wl, res, seconds, log)
                    runs.setdefault((wl, res, be), []).append(r)
                    msg = (f"{r['rate']:.1f} {r['unit']}" if "rate" in r else
                           r.get("error") or r.get("skipped"))
                    progress(f"round {rnd + 1} {wl:8} {res:9} {be:5} {msg}")
    for (wl, res, be), rs in runs.items():
        ok = [r for r in rs if "rate" in r]
        rates = [r["rate"] for r in ok]
        copied = [r["bytes_copied_per_op"] for r in ok if r["bytes_copied_per_op"] is not None]
        section["rows"].append({
            "workload": wl, "resolution": res, "backend": be,
            "unit": ok[0]["unit"] if ok else None,
            "values": rates,
            "median": statistics.median(rates) if rates else None,
            "min": min(rates) if rates else None,
            "max": max(rates) if rates else None,
            "median_us": statistics.median(r["median_us"] for r in ok) if ok else None,
            "p99_us": max(r["p99_us"] for r in ok) if ok else None,
            "bytes_copied_per_op": statistics.median(copied) if copied else None,
            "errors": [r.get("error") or r.get("skipped") for r in rs if "rate" not in r],
        })
    return section


def _fmt(v, digits=1):
    if v is None:
        return "n/a"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def table(section):
    head = ["workload", "resolution", "back end", "rate median [min-max]", "unit",
            "median us", "p99 us", "device copied B/op"]
    rows = []
    for r in section["rows"]:
        rate = ("error: " + "; ".join(r["errors"]) if r["median"] is None else
                f"{_fmt(r['median'])} [{_fmt(r['min'])}-{_fmt(r['max'])}]")
        rows.append([r["workload"], r["resolution"], r["backend"], rate, r["unit"] or "",
                     _fmt(r["median_us"]), _fmt(r["p99_us"]), _fmt(r["bytes_copied_per_op"], 0)])
    return head, rows


def report_lines(section, md_table):
    lines = ["## Virtqueues (pvgpu-sim against vhost-user-gpu back ends)", ""]
    if not section["rows"]:
        return lines + ["Not run" + (": " + "; ".join(section["notes"])
                                     if section["notes"] else " (not selected)") + ".", ""]
    lines += [
        f"Each run: one simulated VM, {section['seconds']} s per workload, "
        f"{section['rounds']} round(s), {section['ram_mb']} MiB guest RAM. Rates are "
        "medians over rounds; latencies are per operation (median of the rounds' "
        "medians, worst p99). Device copies per op come from pvgpu-vhost-user "
        "--stats-file (n/a for QEMU's back end, which has no counters); the display "
        "channel's inline UPDATE pixels are the transport's, not counted.", "",
        md_table(*table(section)), "",
    ]
    lines += [f"- {n}" for n in section["notes"]] + [""]
    return lines
