#!/usr/bin/env python3
"""Which system calls sandboxed pvgpu processes make after entering the sandbox.

Reads an `strace -f -tt` log of pvgpu-vtest or pvgpu-vhost-user (run with
--sandbox=log so nothing is denied) and prints, per system call, how often it
was made by a process after that process installed its seccomp filter (threads
included: the filter is synchronised to all of a process's threads). This is
how the allowlist in renderer/util/vr_sandbox.c was checked:

  strace -f -tt -o /tmp/trace pvgpu-vtest --sandbox=log ...   (run clients)
  scripts/sandbox-syscalls.py /tmp/trace
"""
import collections
import re
import sys

LINE = re.compile(r"^(\d+)\s+(\d+):(\d+):([\d.]+)\s+(.*)$")
CALL = re.compile(r"^(?:<\.\.\. )?([a-z0-9_]+)(?:\(| resumed>)")
RESULT = re.compile(r"=\s+(\d+)")


def main():
    tgid = {}          # pid -> thread group id
    filtered_at = {}   # tgid -> time its filter was installed
    counts = collections.Counter()
    pending_clone = {}  # pid -> True when its unfinished clone made a thread
    pending_filter = {}  # pid -> True when its unfinished seccomp loads a filter
    with open(sys.argv[1], errors="replace") as f:
        for raw in f:
            m = LINE.match(raw)
            if not m:
                continue
            pid = int(m.group(1))
            t = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4))
            rest = m.group(5)
            c = CALL.match(rest)
            if not c:
                continue
            name = c.group(1)
            group = tgid.setdefault(pid, pid)
            if name in ("clone", "clone3", "fork", "vfork"):
                if "<unfinished" in rest:
                    pending_clone[pid] = "CLONE_THREAD" in rest
                else:
                    thread = "CLONE_THREAD" in rest or pending_clone.pop(pid, False)
                    r = RESULT.search(rest)
                    if r:
                        child = int(r.group(1))
                        tgid[child] = group if thread else child
            if name == "seccomp":
                loads = "SECCOMP_SET_MODE_FILTER" in rest and "filter=" in rest
                if "<unfinished" in rest:
                    pending_filter[pid] = loads
                elif (loads or pending_filter.pop(pid, False)) and re.search(r"= 0$", rest):
                    filtered_at.setdefault(group, t)
                continue
            if "resumed>" in rest:
                continue  # counted at its start
            if group in filtered_at and t >= filtered_at[group]:
                counts[name] += 1
    for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print("%8d %s" % (n, name))
    print("%d system calls in %d sandboxed processes" % (len(counts), len(filtered_at)))


if __name__ == "__main__":
    main()
