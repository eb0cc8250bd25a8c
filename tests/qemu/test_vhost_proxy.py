#!/usr/bin/env python3
"""The qemu suite's vhost-user sequence check (vhost_proxy.VhostProxy.check) on
synthetic sequences: a good one passes; a missing, extra or misplaced reply and
missing set-up or shutdown steps are reported. Needs no QEMU."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vhost_proxy import NEED_REPLY, REPLY, Msg, VhostProxy  # noqa: E402


def q(req, payload=b"", flags=1, nfds=0):
    return Msg("qemu", req, flags, payload, nfds)


def r(req):
    return Msg("peer", req, 1 | REPLY, b"\0" * 8, 0)


def ring(i, value=0):
    return struct.pack("<II", i, value)


def good():
    seq = [q(1), r(1), q(15), r(15), q(16), q(3), q(33, nfds=1), q(2),
           q(37, flags=1 | NEED_REPLY, nfds=1), r(37)]
    for i in (0, 1):
        seq += [q(8, ring(i)), q(10, ring(i)), q(9, ring(i)), q(12, ring(i), nfds=1)]
    for i in (0, 1):
        seq += [q(18, ring(i, 1), flags=1 | NEED_REPLY), r(18)]
    for i in (0, 1):
        seq += [q(11, ring(i)), r(11)]
    return seq


def problems(seq):
    p = VhostProxy.__new__(VhostProxy)
    p.msgs = seq
    return p.check()


def main():
    failed = 0

    def expect(what, seq, fragment):
        nonlocal failed
        got = problems(seq)
        ok = (not got) if fragment is None else any(fragment in g for g in got)
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {got}")
        failed += not ok

    expect("good sequence", good(), None)
    s = good()
    del s[1]
    expect("missing reply", s, "no reply to qemu: GET_FEATURES")
    s = good()
    s.insert(5, r(3))
    expect("reply nobody asked for", s, "unexpected reply")
    s = good()
    s.insert(3, Msg("peer", 2, 1, b"", 0))
    expect("request from the back end", s, "sent a request")
    s = [m for m in good() if m.req != 33]
    expect("no GPU_SET_SOCKET", s, "GPU_SET_SOCKET missing")
    s = [m for m in good() if not (m.req == 11)]
    expect("no shutdown", s, "no GET_VRING_BASE for ring 0")
    s = [m for m in good() if m.req != 37]
    expect("no memory", s, "no guest memory")
    s = good()
    s[6] = q(33)
    expect("GPU_SET_SOCKET without fd", s, "without its fd")
    s = good()[:-1]
    expect("last reply missing", s, "no reply to qemu: GET_VRING_BASE[1]")
    # A back end leaving once the VM stops: only a note when not strict.
    s = good()
    stop = next(i for i, m in enumerate(s) if m.req == 11)
    s = s[:stop] + [q(18, ring(0, 0), flags=1 | NEED_REPLY)]  # disabling ring 0: no answer
    expect("strict: back end left at shutdown", s, "no reply to qemu: SET_VRING_ENABLE[0]")
    p = VhostProxy.__new__(VhostProxy)
    p.msgs = s
    lenient = p.check(strict_shutdown=False)
    ok = not lenient and any("SET_VRING_ENABLE" in n for n in p.notes)
    print(f"{'ok  ' if ok else 'FAIL'} lenient: back end left at shutdown: {lenient} notes {p.notes}")
    failed += not ok
    s = good()
    del s[1]
    p.msgs = s
    ok = any("no reply" in x for x in p.check(strict_shutdown=False))
    print(f"{'ok  ' if ok else 'FAIL'} lenient still checks the set-up")
    failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
