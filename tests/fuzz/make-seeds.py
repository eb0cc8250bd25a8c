#!/usr/bin/env python3
"""Builds the fuzzers' seed corpora (tests/fuzz/README.md).

usage: make-seeds.py OUTDIR            every target's seeds into OUTDIR/<target>/
       make-seeds.py --synthetic DIR   the small seeds kept in the repository
                                       (tests/fuzz/seeds/), into DIR/<target>/

Seeds come from real traffic already in the repository: the recorded Mesa vtest
streams (tests/protocol/fixtures/*.vtest) whole, as prefixes and split into
their SUBMIT_CMD buffers; the TGSI corpus (tests/shader-unit/corpus); and small
virtio-gpu / vhost-user sessions written out below in the targets' input formats.
"""
import os
import shutil
import struct
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "protocol", "fixtures")
TGSI = os.path.join(ROOT, "tests", "shader-unit", "corpus")

# vtest commands (protocol/vgp_vtest.h) and their fixed payload sizes in bytes.
CREATE_RENDERER, SUBMIT_CMD, RESOURCE_CREATE2 = 8, 6, 12
FIXED = {2: 40, 3: 4, 4: 44, 7: 8, 11: 4, 12: 44, 13: 40, 14: 40}


def vtest_commands(data):
    """(cmd, whole message bytes, payload bytes) of a recorded stream."""
    pos, out = 0, []
    while pos + 8 <= len(data):
        length, cmd = struct.unpack_from("<II", data, pos)
        if cmd in (CREATE_RENDERER,):
            n = length
        elif cmd == SUBMIT_CMD:
            n = 4 * length
        elif cmd == 5:  # TRANSFER_PUT: header then data
            n = 44 + struct.unpack_from("<I", data, pos + 8 + 40)[0]
        else:
            n = FIXED.get(cmd, 0)
        out.append((cmd, data[pos:pos + 8 + n], data[pos + 8:pos + 8 + n]))
        pos += 8 + n
    return out


def recordings():
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith(".vtest"):
            with open(os.path.join(FIXTURES, name), "rb") as f:
                yield name[:-len(".vtest")], f.read()


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def stream_seeds(out):
    """vtest and decode-gl: each recording whole and cut after 1/8, 1/4, 1/2."""
    for target in ("vtest", "decode-gl"):
        d = os.path.join(out, target)
        for name, data in recordings():
            cmds = vtest_commands(data)
            write(d, name, data)
            for frac in (8, 4, 2):
                cut = b"".join(c[1] for c in cmds[:max(1, len(cmds) // frac)])
                write(d, "%s-1of%d" % (name, frac), cut)


def submit_seeds(out):
    """decode-null: every distinct SUBMIT_CMD buffer, after the first one (which
    creates the client's sub-context and objects), capped in number and size."""
    d = os.path.join(out, "decode-null")
    for name, data in recordings():
        subs = [c[2] for c in vtest_commands(data) if c[0] == SUBMIT_CMD]
        seen = set()
        for i, s in enumerate(subs[:48]):
            seed = s if i == 0 else subs[0] + s
            if seed in seen or len(seed) > 65536:
                continue
            seen.add(seed)
            write(d, "%s-submit%02d" % (name, i), seed)


def tgsi_seeds(out):
    d = os.path.join(out, "tgsi")
    os.makedirs(d, exist_ok=True)
    for name in sorted(os.listdir(TGSI)):
        shutil.copy(os.path.join(TGSI, name), os.path.join(d, name))


# ------------------------------------------------------------ virtio-gpu
def hdr(typ, flags=0, fence=0, ctx=0):
    return struct.pack("<IIQIB3x", typ, flags, fence, ctx, 0)


FENCE = 1


def rec(req, flags=0):
    """One vug-ctrl record: flags, u16 length, request."""
    return struct.pack("<BH", flags, len(req)) + req


def first_submit():
    for _, data in recordings():
        for c in vtest_commands(data):
            if c[0] == SUBMIT_CMD and len(c[2]) < 60000:
                return c[2]
    return b""


def vug_ctrl_seeds(out):
    d = os.path.join(out, "vug-ctrl")
    two_d = b"".join([
        rec(hdr(0x0100)),                                              # GET_DISPLAY_INFO
        rec(hdr(0x010a) + struct.pack("<II", 0, 0)),                   # GET_EDID
        rec(hdr(0x0101) + struct.pack("<IIII", 1, 1, 64, 64)),         # RESOURCE_CREATE_2D
        rec(hdr(0x0106) + struct.pack("<II", 1, 2)                     # ATTACH_BACKING
            + struct.pack("<QII", 0x10000, 8192, 0) + struct.pack("<QII", 0x20000, 8192, 0),
            2),
        rec(hdr(0x0103) + struct.pack("<IIIIII", 0, 0, 64, 64, 0, 1)),  # SET_SCANOUT
        rec(hdr(0x0105) + struct.pack("<IIIIQII", 0, 0, 64, 64, 0, 1, 0)),  # TRANSFER_TO_HOST_2D
        rec(hdr(0x0104, FENCE, 1) + struct.pack("<IIIIII", 0, 0, 64, 64, 1, 0)),  # FLUSH fenced
        rec(hdr(0x0300) + struct.pack("<IIIIIIII", 0, 10, 10, 0, 1, 0, 0, 0), 1),  # UPDATE_CURSOR
        rec(hdr(0x0301) + struct.pack("<IIIIIIII", 0, 20, 20, 0, 0, 0, 0, 0), 1),  # MOVE_CURSOR
        rec(hdr(0x0107) + struct.pack("<II", 1, 0)),                   # DETACH_BACKING
        rec(hdr(0x0102) + struct.pack("<II", 1, 0)),                   # RESOURCE_UNREF
    ])
    write(d, "2d-session", two_d)
    name = b"fuzz".ljust(64, b"\0")
    three_d = b"".join([
        rec(hdr(0x0108) + struct.pack("<II", 0, 0)),                   # GET_CAPSET_INFO 0
        rec(hdr(0x0108) + struct.pack("<II", 1, 0)),                   # GET_CAPSET_INFO 1
        rec(hdr(0x0109) + struct.pack("<II", 2, 2)),                   # GET_CAPSET virgl2 v2
        rec(hdr(0x0109) + struct.pack("<II", 1, 1), 4),                # GET_CAPSET, short buffer
        rec(hdr(0x0200, ctx=1) + struct.pack("<II", 4, 0) + name),     # CTX_CREATE
        rec(hdr(0x0204, ctx=1) + struct.pack("<12I", 2, 2, 1, 2, 32, 32, 1, 1, 0, 0, 0, 0)),
        rec(hdr(0x0106) + struct.pack("<II", 2, 1) + struct.pack("<QII", 0x10000, 4096, 0)),
        rec(hdr(0x0202, ctx=1) + struct.pack("<II", 2, 0)),            # CTX_ATTACH_RESOURCE
        rec(hdr(0x0205, ctx=1) + struct.pack("<6IQ4I", 0, 0, 0, 32, 32, 1, 0, 2, 0, 128, 0)),
        rec(hdr(0x0207, FENCE, 2, 1) + struct.pack("<II", len(first_submit()), 0)
            + first_submit()),                                         # SUBMIT_3D fenced
        rec(hdr(0x0206, ctx=1) + struct.pack("<6IQ4I", 0, 0, 0, 32, 32, 1, 0, 2, 0, 128, 0)),
        rec(hdr(0x0203, ctx=1) + struct.pack("<II", 2, 0)),            # CTX_DETACH_RESOURCE
        rec(hdr(0x0201, ctx=1)),                                       # CTX_DESTROY
    ])
    write(d, "3d-session", three_d)
    blob = b"".join([
        rec(hdr(0x010c) + struct.pack("<IIIIQQ", 3, 1, 1, 1, 0, 16384)  # CREATE_BLOB guest
            + struct.pack("<QII", 0x40000, 16384, 0)),
        rec(hdr(0x010b) + struct.pack("<II", 3, 0)),                   # ASSIGN_UUID
        rec(hdr(0x010d) + struct.pack("<IIIIIIIIIIIIIIIIII", 0, 0, 64, 64, 0, 3, 64, 64,
                                      1, 0, 256, 0, 0, 0, 0, 0, 0, 0)),  # SET_SCANOUT_BLOB
        rec(hdr(0x0102) + struct.pack("<II", 3, 0)),
    ])
    write(d, "blob-session", blob)


# ------------------------------------------------------------ vhost-user
RING_GPA, DESC, AVAIL, USED, REQ, RESP = 0, 0x1000, 0x2000, 0x3000, 0x4000, 0x5000
UVA = 0x7f0000000000


def chain_ram():
    """Guest RAM with ring 0 holding one GET_DISPLAY_INFO chain (2 descriptors)."""
    ram = bytearray(0x4100)
    struct.pack_into("<QIHH", ram, DESC, REQ, 24, 1, 1)          # NEXT
    struct.pack_into("<QIHH", ram, DESC + 16, RESP, 408, 2, 0)   # WRITE
    struct.pack_into("<HHH", ram, AVAIL, 0, 1, 0)                 # flags, idx=1, ring[0]=0
    ram[REQ:REQ + 24] = hdr(0x0100)
    return bytes(ram)


def vmsg(req, payload=b"", nfds=0, flags=1):
    return struct.pack("<III", req, flags, len(payload)) + payload + bytes([nfds])


def vhost_seeds(out):
    d = os.path.join(out, "vhost-msg")
    ram = chain_ram()
    feats = (1 << 32) | (1 << 30) | (1 << 28) | (1 << 29) | 3
    msgs = [
        vmsg(1),                                                     # GET_FEATURES
        vmsg(15),                                                    # GET_PROTOCOL_FEATURES
        vmsg(16, struct.pack("<Q", (1 << 3) | (1 << 9) | (1 << 15))),  # SET_PROTOCOL_FEATURES
        vmsg(3),                                                     # SET_OWNER
        vmsg(2, struct.pack("<Q", feats)),                           # SET_FEATURES
        vmsg(5, struct.pack("<II", 1, 0) + struct.pack("<QQQQ", 0, 1 << 20, UVA, 0), 1),
        vmsg(8, struct.pack("<II", 0, 8)),                           # SET_VRING_NUM
        vmsg(9, struct.pack("<IIQQQQ", 0, 0, UVA + DESC, UVA + USED, UVA + AVAIL, 0)),
        vmsg(10, struct.pack("<II", 0, 0)),                          # SET_VRING_BASE
        vmsg(13, struct.pack("<Q", 0), 1),                           # SET_VRING_CALL
        vmsg(12, struct.pack("<Q", 0), 1),                           # SET_VRING_KICK
        vmsg(18, struct.pack("<II", 0, 1)),                          # SET_VRING_ENABLE
        vmsg(24, struct.pack("<III", 0, 16, 0) + bytes(16)),         # GET_CONFIG
        vmsg(36),                                                    # GET_MAX_MEM_SLOTS
        vmsg(38, struct.pack("<Q", 0) + struct.pack("<QQQQ", 0, 1 << 20, UVA, 0)),  # REM_MEM_REG
        vmsg(37, struct.pack("<Q", 0) + struct.pack("<QQQQ", 0, 1 << 20, UVA, 0), 1),
        vmsg(11, struct.pack("<II", 0, 0)),                          # GET_VRING_BASE
    ]
    write(d, "ring-session", struct.pack("<H", len(ram)) + ram + b"".join(msgs))


def vring_seeds(out):
    d = os.path.join(out, "vring")
    # Offsets below are relative to guest-physical 0x1000 (where the input lands).
    ram = bytearray(0x5000)
    desc, avail, buf, ind = 0, 0x1000, 0x3000, 0x4000
    struct.pack_into("<QIHH", ram, desc + 0, 0x4000, 64, 1, 1)
    struct.pack_into("<QIHH", ram, desc + 16, 0x4100, 512, 2, 0)
    struct.pack_into("<QIHH", ram, desc + 32, 0x5000, 48, 4, 0)       # INDIRECT table
    struct.pack_into("<QIHH", ram, desc + 48, 0xFFF00, 0x200, 2, 0)   # crosses 1 MiB
    struct.pack_into("<QIHH", ram, ind + 0, 0x4000, 16, 1, 1)
    struct.pack_into("<QIHH", ram, ind + 16, 0x4200, 16, 1, 2)
    struct.pack_into("<QIHH", ram, ind + 32, 0x4300, 64, 2, 0)
    struct.pack_into("<HH4H", ram, avail, 0, 3, 0, 2, 3, 0)
    ram[buf:buf + 4] = b"\x01\x02\x03\x04"
    write(d, "three-chains", bytes([3, 3]) + bytes(ram))
    write(d, "no-features", bytes([3, 0]) + bytes(ram))


def first_submit_seeds(out):
    """decode-null's committed seed: each recording's first buffer (sub-context,
    objects, shaders)."""
    for name, data in recordings():
        for c in vtest_commands(data):
            if c[0] == SUBMIT_CMD:
                write(os.path.join(out, "decode-null"), name + "-first-submit", c[2])
                break


def synthetic(out):
    first_submit_seeds(out)
    vug_ctrl_seeds(out)
    vhost_seeds(out)
    vring_seeds(out)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--synthetic":
        synthetic(sys.argv[2])
        return 0
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    stream_seeds(out)
    submit_seeds(out)
    tgsi_seeds(out)
    synthetic(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
