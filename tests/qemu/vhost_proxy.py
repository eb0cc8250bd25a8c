"""A logging relay between QEMU and a vhost-user back end, for the qemu suite.

It accepts QEMU on one socket, connects to the back end's socket, forwards every
message with its fds unchanged (the display channel and ring eventfds therefore go
straight between the two) and records the message sequence. check() then verifies
what QEMU expects of a back end: a reply to every request that needs one (and none
otherwise) before QEMU's next request, and the set-up and shutdown steps in order.
"""
import array
import os
import socket
import struct
import threading

HDR = struct.Struct("<III")
REPLY, NEED_REPLY = 1 << 2, 1 << 3
NAMES = {1: "GET_FEATURES", 2: "SET_FEATURES", 3: "SET_OWNER", 5: "SET_MEM_TABLE",
         8: "SET_VRING_NUM", 9: "SET_VRING_ADDR", 10: "SET_VRING_BASE", 11: "GET_VRING_BASE",
         12: "SET_VRING_KICK", 13: "SET_VRING_CALL", 14: "SET_VRING_ERR",
         15: "GET_PROTOCOL_FEATURES", 16: "SET_PROTOCOL_FEATURES", 17: "GET_QUEUE_NUM",
         18: "SET_VRING_ENABLE", 21: "SET_BACKEND_REQ_FD", 24: "GET_CONFIG",
         33: "GPU_SET_SOCKET", 36: "GET_MAX_MEM_SLOTS", 37: "ADD_MEM_REG"}
# Requests that always have a reply (the rest only with NEED_REPLY).
ALWAYS_REPLY = {1, 11, 15, 17, 24, 36}
VRING_REQUESTS = {8, 9, 10, 11, 12, 13, 14, 18}


def name(req):
    return NAMES.get(req, str(req))


class Msg:
    def __init__(self, sender, req, flags, payload, nfds):
        self.sender, self.req, self.flags, self.payload, self.nfds = (
            sender, req, flags, payload, nfds)

    def index(self):
        """The ring a ring request is about (low byte of its first field)."""
        # vring state/address start with a u32 index; KICK/CALL/ERR carry it in the
        # low byte of a u64 (little endian either way).
        if self.req in VRING_REQUESTS and len(self.payload) >= 4 and self.sender == "qemu":
            return struct.unpack_from("<I", self.payload)[0] & 0xff
        return None

    def __str__(self):
        idx = self.index()
        return (f"{self.sender}: {name(self.req)}{'' if idx is None else f'[{idx}]'}"
                f"{' reply' if self.flags & REPLY else ''}"
                f"{' need-reply' if self.flags & NEED_REPLY else ''} {len(self.payload)} bytes"
                f"{f' {self.nfds} fd' if self.nfds else ''}")


def _recv_exact(sock, n, fds):
    buf = b""
    while len(buf) < n:
        data, anc, _, _ = sock.recvmsg(n - len(buf), socket.CMSG_SPACE(16 * 4))
        if not data:
            return None
        for level, kind, raw in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                a = array.array("i")
                a.frombytes(raw[:len(raw) - len(raw) % a.itemsize])
                fds.extend(a)
        buf += data
    return buf


class VhostProxy:
    def __init__(self, front_path, back_path, log_path):
        self.front_path, self.back_path, self.log_path = front_path, back_path, log_path
        self.msgs = []
        self.lock = threading.Lock()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(front_path)
        self.listener.listen(1)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            qemu, _ = self.listener.accept()
        except OSError:
            return
        back = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        back.connect(self.back_path)
        t = threading.Thread(target=self._relay, args=(back, qemu, "peer"), daemon=True)
        t.start()
        self._relay(qemu, back, "qemu")
        t.join(10)
        with open(self.log_path, "w") as f:
            f.write("\n".join(str(m) for m in self.msgs) + "\n")

    def _relay(self, src, dst, sender):
        try:
            while True:
                fds = []
                hdr = _recv_exact(src, HDR.size, fds)
                if hdr is None:
                    break
                req, flags, size = HDR.unpack(hdr)
                payload = _recv_exact(src, size, fds) if size else b""
                if payload is None:
                    break
                with self.lock:
                    self.msgs.append(Msg(sender, req, flags, payload, len(fds)))
                anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds \
                    else []
                dst.sendmsg([hdr + payload], anc)
                for fd in fds:
                    os.close(fd)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()
        self.thread.join(15)

    def shutdown_start(self):
        """Index of QEMU's first SET_VRING_ENABLE with 0 (the VM stopping), else None."""
        for i, m in enumerate(self.msgs):
            if (m.sender == "qemu" and m.req == 18 and len(m.payload) >= 8 and
                    struct.unpack_from("<I", m.payload, 4)[0] == 0):
                return i
        return None

    def check(self, strict_shutdown=True):
        """Problems with the recorded sequence (empty when it is what QEMU expects).
        strict_shutdown=False checks only up to the VM stopping (for a back end that may
        leave first, like QEMU's reference); what fails after that goes to self.notes."""
        full = self._problems(len(self.msgs), True)
        stop = self.shutdown_start()
        if strict_shutdown or stop is None:
            self.notes = []
            return full
        early = self._problems(stop, False)
        self.notes = [p for p in full if p not in early]
        return early

    def _problems(self, end, shutdown):
        msgs = self.msgs[:end]
        problems, pending = [], None
        for m in msgs:
            if m.sender == "qemu":
                if pending:
                    problems.append(f"no reply to {pending} before {m}")
                needs = m.req in ALWAYS_REPLY or m.flags & NEED_REPLY
                pending = m if needs else None
            elif not m.flags & REPLY:
                problems.append(f"the back end sent a request on the main socket: {m}")
            elif not pending or pending.req != m.req:
                problems.append(f"unexpected reply {m} (waiting for {pending})")
            else:
                pending = None
        if pending and end == len(self.msgs):
            problems.append(f"no reply to {pending}")
        # Set-up steps in order, then the shutdown.
        q = [m for m in msgs if m.sender == "qemu"]
        reqs = [m.req for m in q]
        steps = [3, 33, 2]
        pos = 0
        for want in steps:
            try:
                pos = reqs.index(want, pos) + 1
            except ValueError:
                problems.append(f"{name(want)} missing or out of order "
                                "(SET_OWNER, GPU_SET_SOCKET, SET_FEATURES)")
        if not any(r in (5, 37) for r in reqs):
            problems.append("no guest memory (SET_MEM_TABLE / ADD_MEM_REG)")
        for ring in (0, 1):
            for want in (8, 9, 10, 12):
                if not any(m.req == want and m.index() == ring for m in q):
                    problems.append(f"{name(want)} for ring {ring} missing")
            if shutdown and not any(m.req == 11 and m.index() == ring for m in q):
                problems.append(f"no GET_VRING_BASE for ring {ring} at shutdown")
        gpu = [m for m in q if m.req == 33]
        if gpu and gpu[0].nfds != 1:
            problems.append("GPU_SET_SOCKET without its fd")
        return problems

    def summary(self):
        q = sum(1 for m in self.msgs if m.sender == "qemu")
        return f"{q} requests from QEMU, {len(self.msgs) - q} replies"
