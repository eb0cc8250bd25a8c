#!/usr/bin/env python3
"""Chaos vtest client for the fault-isolation soak (tests/soak/run-soak.py).

Until --seconds have passed, connects to the vtest socket again and again and
misbehaves in one of several ways, picked at random (seeded, printed):
  close-at-once     connect and hang up before CREATE_RENDERER
  garbage           random bytes instead of a header
  truncated         a valid handshake, then a command cut off mid-payload
  random-submit     SUBMIT_CMD carrying random dwords (random virgl commands)
  fuzzed-submit     a valid-looking virgl command stream with random fields
  bad-resource      RESOURCE_CREATE2 with random sizes, then transfers on it
  reset             as fuzzed-submit, then a TCP-style reset (SO_LINGER 0)
  flood             many pipelined commands, hang up without reading a reply
Every connection ends by the client dying mid-command (closing with a command
half sent) or by the server dropping it. Prints one JSON line of counts at the
end. Exit status 0 unless the socket stopped accepting connections.
"""
import argparse
import array
import json
import random
import socket
import struct
import sys
import time

CREATE_RENDERER, PROTOCOL_VERSION = 8, 11
RESOURCE_CREATE2, TRANSFER_GET2, TRANSFER_PUT2 = 12, 13, 14
SUBMIT_CMD, RESOURCE_BUSY_WAIT = 6, 7


def dwords(*values):
    return struct.pack("<%dI" % len(values), *(v & 0xffffffff for v in values))


def handshake(s, rng):
    name = ("chaos-%d" % rng.randrange(1 << 16)).encode() + b"\0"
    s.sendall(dwords(len(name), CREATE_RENDERER) + name)
    s.sendall(dwords(1, PROTOCOL_VERSION, 2))
    reply = b""
    while len(reply) < 12:
        chunk = s.recv(12 - len(reply))
        if not chunk:
            raise ConnectionError("closed in the handshake")
        reply += chunk


def close_fds(s):
    """Receives (and closes) any fds the server passed (RESOURCE_CREATE2)."""
    s.setblocking(False)
    try:
        while True:
            data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(16))
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds = array.array("i")
                    fds.frombytes(payload[:len(payload) - len(payload) % 4])
                    for fd in fds:
                        socket.close(fd)
            if not data:
                break
    except (BlockingIOError, ConnectionError, OSError):
        pass
    s.setblocking(True)


def virgl_cmd(rng):
    """One virgl command: a plausible opcode/object header, random body."""
    n = rng.choice([0, 1, 2, 3, 5, 8, 13, rng.randrange(64)])
    op = rng.randrange(64)
    obj = rng.randrange(32)
    head = (n << 16) | (obj << 8) | op
    return [head] + [rng.choice([0, 1, 0xffffffff, 0x7fffffff, rng.randrange(1 << 32),
                                 rng.randrange(16)]) for _ in range(n)]


def submit(s, body, cut):
    data = dwords(len(body), SUBMIT_CMD, *body)
    s.sendall(data[:len(data) - cut] if cut else data)


def act_close_at_once(s, rng):
    pass


def act_garbage(s, rng):
    s.sendall(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))))


def act_truncated(s, rng):
    handshake(s, rng)
    body = virgl_cmd(rng)
    submit(s, body, cut=rng.randrange(1, 4 * len(body) + 5))


def act_random_submit(s, rng):
    handshake(s, rng)
    body = [rng.randrange(1 << 32) for _ in range(rng.randrange(1, 200))]
    submit(s, body, cut=rng.choice([0, 0, 2, 7]))


def act_fuzzed_submit(s, rng):
    handshake(s, rng)
    for _ in range(rng.randrange(1, 20)):
        body = []
        for _ in range(rng.randrange(1, 8)):
            body += virgl_cmd(rng)
        submit(s, body, cut=0)
    body = virgl_cmd(rng) + virgl_cmd(rng)
    submit(s, body, cut=rng.randrange(1, 4 * len(body)))  # dies mid-command


def act_bad_resource(s, rng):
    handshake(s, rng)
    w, h = rng.choice([(0, 0), (1, 1), (64, 64), (65536, 2), (16384, 16384)])
    size = rng.choice([0, 8, 4096, w * h * 4, 0xfffffff0])
    res = rng.randrange(1, 1 << 31)
    s.sendall(dwords(11, RESOURCE_CREATE2, res, 2, 67, 0xa, w, h, 1, 0, 0, 0, size))
    time.sleep(0.01)
    close_fds(s)
    for _ in range(rng.randrange(1, 5)):
        cmd = rng.choice([TRANSFER_GET2, TRANSFER_PUT2])
        box = [rng.randrange(1 << rng.choice([4, 16, 32])) for _ in range(6)]
        s.sendall(dwords(10, cmd, res, 0, *box, rng.randrange(1 << 32), 0))
    s.sendall(dwords(3, RESOURCE_BUSY_WAIT, res)[:10])  # dies mid-command


def act_reset(s, rng):
    act_fuzzed_submit(s, rng)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def act_flood(s, rng):
    handshake(s, rng)
    ping = dwords(0, 0)  # PING_PROTOCOL_VERSION, never read back
    s.sendall(ping * rng.randrange(100, 5000))
    s.sendall(dwords(40, SUBMIT_CMD, 1, 2, 3))  # dies mid-command


ACTIONS = [act_close_at_once, act_garbage, act_truncated, act_random_submit, act_fuzzed_submit,
           act_bad_resource, act_reset, act_flood]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("socket")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--pause", type=float, default=0.02, help="seconds between connections")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    counts = {a.__name__[4:]: 0 for a in ACTIONS}
    connections = refused = server_closed = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        act = rng.choice(ACTIONS)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(args.socket)
        except OSError:
            refused += 1
            s.close()
            if refused > 50:
                print(json.dumps({"error": "the server stopped accepting", "seed": seed}))
                return 1
            time.sleep(0.1)
            continue
        connections += 1
        counts[act.__name__[4:]] += 1
        try:
            act(s, rng)
        except (ConnectionError, BrokenPipeError, socket.timeout, OSError):
            server_closed += 1  # the server dropped us first: fine
        s.close()
        time.sleep(args.pause)
    print(json.dumps({"seed": seed, "connections": connections, "dropped_by_server_first":
                      server_closed, "refused": refused, "actions": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
