#!/usr/bin/env python3
"""Capture the TGSI shaders a Mesa virgl client sends over vtest.

A small pass-through proxy: a client (Mesa's virpipe driver) connects to
--listen, every connection is forwarded to a vtest server at --upstream
(pvgpu-vtest), and the client's SUBMIT_CMD streams are decoded just enough to
 * save every distinct shader text (CREATE_OBJECT/SHADER, reassembling chunked
   texts) as CORPUS/<sha1[:12]>.<vert|frag|geom|...>.tgsi with a first line
   `# stage=STAGE num_tokens=N source=NAME`;
 * record which shaders were bound together when a draw was issued
   (BIND_SHADER state at each DRAW_VBO), appended to CORPUS/PAIRS as
   `<vs file> <fs file> [<gs file>]`, one distinct set per line.

Only the tests' corpus is produced with it: the product and the tests never need
it at run time. Plain stdlib.

Facts used (see shared/reference/virgl-wire.md): vtest messages are
[length, id] + payload; some commands have fixed payload sizes regardless of
what the length says (Mesa fills it inconsistently for TRANSFER_PUT/PUT2);
replies may carry one file descriptor attached to a single data byte.
"""
import argparse
import hashlib
import os
import socket
import struct
import threading

# vtest command ids -> fixed request payload size in dwords (None: variable)
VCMD_CREATE_RENDERER = 8
VCMD_SUBMIT_CMD = 6
VCMD_TRANSFER_PUT = 5
FIXED_DWORDS = {1: 0, 2: 10, 3: 1, 4: 11, 7: 2, 9: 0, 10: 0, 11: 1, 12: 11, 13: 10,
                14: 10}

CCMD_CREATE_OBJECT = 1
CCMD_DRAW_VBO = 8
CCMD_BIND_SHADER = 31
OBJ_SHADER = 4
STAGES = ["vert", "frag", "geom", "tesc", "tese", "comp"]
STAGE_NAMES = ["VERTEX", "FRAGMENT", "GEOMETRY", "TESS_CTRL", "TESS_EVAL", "COMPUTE"]

lock = threading.Lock()


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


class Session:
    def __init__(self, args, client):
        self.args = args
        self.client = client
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.connect(args.upstream)
        self.name = args.source or "unknown"
        self.partial = {}   # handle -> [stage, total_len, bytearray, num_tokens]
        self.by_handle = {}  # handle -> saved file name
        self.bound = {}     # stage -> file name
        self.sets = set()

    # --- server -> client: raw bytes, keeping each fd on its single byte
    def pump_replies(self):
        try:
            while True:
                data, fds, _, _ = socket.recv_fds(self.server, 65536, 4)
                if not data:
                    break
                if fds:
                    # The kernel ends a read right after a message carrying fds,
                    # so the fd belongs to the last byte: forward it alone.
                    if len(data) > 1:
                        self.client.sendall(data[:-1])
                    socket.send_fds(self.client, [data[-1:]], fds)
                    for fd in fds:
                        os.close(fd)
                else:
                    self.client.sendall(data)
        except OSError:
            pass
        finally:
            try:
                self.client.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    # --- client -> server: parse requests, forward unchanged
    def run(self):
        t = threading.Thread(target=self.pump_replies, daemon=True)
        t.start()
        try:
            while True:
                hdr = recv_exact(self.client, 8)
                length, cmd = struct.unpack("<II", hdr)
                if cmd == VCMD_CREATE_RENDERER:
                    payload = recv_exact(self.client, length)
                    if not self.args.source:
                        self.name = payload.split(b"\0")[0].decode("latin1") or "unknown"
                elif cmd == VCMD_TRANSFER_PUT:
                    head = recv_exact(self.client, 44)
                    size = struct.unpack_from("<I", head, 40)[0]
                    payload = head + recv_exact(self.client, size)
                elif cmd in FIXED_DWORDS:
                    payload = recv_exact(self.client, FIXED_DWORDS[cmd] * 4)
                else:
                    payload = recv_exact(self.client, length * 4)
                if cmd == VCMD_SUBMIT_CMD:
                    self.decode(payload)
                self.server.sendall(hdr + payload)
        except (EOFError, OSError):
            pass
        finally:
            for s in (self.server, self.client):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            t.join(timeout=5)
            self.client.close()
            self.server.close()
            self.flush_pairs()

    def decode(self, data):
        n = len(data) // 4
        dw = struct.unpack("<%dI" % n, data[:n * 4])
        i = 0
        while i < n:
            op, obj, ln = dw[i] & 0xff, (dw[i] >> 8) & 0xff, dw[i] >> 16
            if i + ln >= n:
                break  # truncated command: leave it to the server
            if op == CCMD_CREATE_OBJECT and obj == OBJ_SHADER and ln >= 5:
                self.shader_chunk(dw[i + 1:i + 1 + ln], data[(i + 1) * 4:(i + 1 + ln) * 4])
            elif op == CCMD_BIND_SHADER and ln >= 2:
                handle, stage = dw[i + 1], dw[i + 2]
                name = self.by_handle.get(handle) if handle else None
                if name:
                    self.bound[stage] = name
                else:
                    self.bound.pop(stage, None)
            elif op == CCMD_DRAW_VBO:
                vs, fs, gs = self.bound.get(0), self.bound.get(1), self.bound.get(2)
                if vs and fs:
                    self.sets.add((vs, fs, gs or ""))
            i += ln + 1

    def shader_chunk(self, body, raw):
        handle, stage, offlen, ntok = body[0], body[1], body[2], body[3]
        if stage == 5:
            hdr = 5
        else:
            nso = body[4]
            hdr = 5 + (4 + 2 * nso if nso else 0)
        text = raw[hdr * 4:]
        if offlen & 0x80000000:
            ent = self.partial.get(handle)
            if ent is None:
                return
            ent[2] += text
        else:
            ent = [stage, offlen, bytearray(text), ntok]
            self.partial[handle] = ent
        if len(ent[2]) >= ent[1]:
            del self.partial[handle]
            txt = bytes(ent[2][:ent[1]]).split(b"\0", 1)[0]
            self.by_handle[handle] = self.save(ent[0], txt, ent[3])

    def save(self, stage, txt, ntok):
        digest = hashlib.sha1(txt).hexdigest()[:12]
        ext = STAGES[stage] if stage < len(STAGES) else "st%d" % stage
        fname = "%s.%s.tgsi" % (digest, ext)
        path = os.path.join(self.args.corpus, fname)
        with lock:
            if not os.path.exists(path):
                sname = STAGE_NAMES[stage] if stage < len(STAGE_NAMES) else str(stage)
                with open(path, "w", encoding="latin1") as f:
                    f.write("# stage=%s num_tokens=%d source=%s\n" % (sname, ntok, self.name))
                    f.write(txt.decode("latin1"))
        return fname

    def flush_pairs(self):
        if not self.sets:
            return
        path = os.path.join(self.args.corpus, "PAIRS")
        with lock:
            have = set()
            if os.path.exists(path):
                with open(path) as f:
                    have = {l.strip() for l in f if l.strip() and not l.startswith("#")}
            with open(path, "a") as f:
                for vs, fs, gs in sorted(self.sets):
                    line = " ".join(x for x in (vs, fs, gs) if x)
                    if line not in have:
                        f.write(line + "\n")
                        have.add(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", required=True, help="unix socket path the client connects to")
    ap.add_argument("--upstream", required=True, help="vtest server socket")
    ap.add_argument("--corpus", required=True, help="directory for .tgsi files and PAIRS")
    ap.add_argument("--source", help="source tag for saved shaders (default: client name)")
    args = ap.parse_args()
    os.makedirs(args.corpus, exist_ok=True)
    try:
        os.unlink(args.listen)
    except FileNotFoundError:
        pass
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(args.listen)
    ls.listen(16)
    print("tgsi-capture: %s -> %s" % (args.listen, args.upstream), flush=True)
    while True:
        c, _ = ls.accept()
        try:
            sess = Session(args, c)
        except OSError as e:
            print("tgsi-capture: upstream: %s" % e, flush=True)
            c.close()
            continue
        threading.Thread(target=sess.run, daemon=True).start()


if __name__ == "__main__":
    main()
