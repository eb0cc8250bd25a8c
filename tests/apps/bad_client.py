#!/usr/bin/env python3
"""Raw vtest clients that break the protocol on purpose (apps suite, test (d)).

Connects three times to the vtest socket given as argument, each time as
"badclient-<mode>", and sends: a truncated header, an unknown command id, and a
TRANSFER_GET2 whose box lies outside its resource. Each connection must be closed
by the server within 5 s. Exit status 0 when all three were dropped.
"""
import array
import socket
import struct
import sys

CREATE_RENDERER, PROTOCOL_VERSION, RESOURCE_CREATE2, TRANSFER_GET2 = 8, 11, 12, 13


def dwords(*values):
    return struct.pack("<%dI" % len(values), *values)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("server closed during the handshake")
        buf += chunk
    return buf


def handshake(s, mode):
    name = f"badclient-{mode}".encode() + b"\0"
    s.sendall(dwords(len(name), CREATE_RENDERER) + name)
    s.sendall(dwords(1, PROTOCOL_VERSION, 2))
    reply = struct.unpack("<3I", recv_exact(s, 12))
    if reply != (1, PROTOCOL_VERSION, 2):
        raise ConnectionError(f"unexpected PROTOCOL_VERSION reply {reply}")


def send_truncated_header(s):
    s.sendall(dwords(6)[:3])
    s.shutdown(socket.SHUT_WR)


def send_unknown_id(s):
    s.sendall(dwords(0, 0xdead))


def send_box_outside(s):
    # 32x32 RGBA8 texture with a backing; then read a box reaching past its edge.
    s.sendall(dwords(11, RESOURCE_CREATE2, 0x7fff0001, 2, 67, 0xa, 32, 32, 1, 0, 0, 0, 4096))
    fds = array.array("i")
    _, anc, _, _ = s.recvmsg(1, socket.CMSG_SPACE(4))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[:4])
    for fd in fds:
        socket.close(fd)
    if not fds:
        raise ConnectionError("RESOURCE_CREATE2 sent no fd")
    s.sendall(dwords(10, TRANSFER_GET2, 0x7fff0001, 0, 16, 16, 0, 32, 32, 1, 4096, 0))


def dropped(s):
    s.settimeout(5)
    try:
        while s.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def main():
    path = sys.argv[1]
    ok = True
    for mode, send in (("truncated-header", send_truncated_header),
                       ("unknown-id", send_unknown_id),
                       ("box-outside", send_box_outside)):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(path)
        handshake(s, mode)
        send(s)
        result = dropped(s)
        s.close()
        print(f"bad client {mode}: {'dropped' if result else 'NOT dropped'}")
        ok = ok and result
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
