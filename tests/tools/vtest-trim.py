#!/usr/bin/env python3
"""Trim a recorded vtest client->server byte stream to its first N frames.

A recording (e.g. virgl_test_server's VTEST_SAVE=file) is the raw stream a Mesa
virpipe client wrote to the vtest socket. This walks it message by message the
way a server does (fixed payload sizes; see virgl-wire.md §1.2/§1.3 for the
length-field quirks) and writes the messages up to and including the N-th
TRANSFER_GET2 (one per presented frame), so the fixture stays small.

usage: vtest-trim.py IN OUT [--frames N] [--list]
"""
import argparse
import struct
import sys

VCMD = {
    1: "GET_CAPS", 2: "RESOURCE_CREATE", 3: "RESOURCE_UNREF", 4: "TRANSFER_GET",
    5: "TRANSFER_PUT", 6: "SUBMIT_CMD", 7: "RESOURCE_BUSY_WAIT", 8: "CREATE_RENDERER",
    9: "GET_CAPS2", 10: "PING_PROTOCOL_VERSION", 11: "PROTOCOL_VERSION",
    12: "RESOURCE_CREATE2", 13: "TRANSFER_GET2", 14: "TRANSFER_PUT2",
}
# Payload dwords the server reads, whatever the length field says.
FIXED = {1: 0, 2: 10, 3: 1, 4: 11, 7: 2, 9: 0, 10: 0, 11: 1, 12: 11, 13: 10, 14: 10}


def payload_size(data, pos, length, cmd):
    """Bytes that follow the 8-byte header of the message at pos."""
    if cmd == 8:  # CREATE_RENDERER: length counts bytes
        return length
    if cmd == 6:  # SUBMIT_CMD: length counts dwords
        return length * 4
    if cmd == 5:  # TRANSFER_PUT (v0): 11 dwords, then data_size raw bytes
        data_size = struct.unpack_from("<I", data, pos + 8 + 40)[0]
        return 44 + data_size
    if cmd in FIXED:  # includes TRANSFER_PUT2, whose length field lies
        return FIXED[cmd] * 4
    raise ValueError(f"unknown vtest command {cmd} at byte {pos}")


def walk(data):
    """Yields (offset, total size, command id, length field) per message."""
    pos = 0
    while pos + 8 <= len(data):
        length, cmd = struct.unpack_from("<II", data, pos)
        size = 8 + payload_size(data, pos, length, cmd)
        if pos + size > len(data):
            print(f"warning: truncated {VCMD.get(cmd, cmd)} at byte {pos}", file=sys.stderr)
            return
        yield pos, size, cmd, length
        pos += size


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output", nargs="?")
    ap.add_argument("--frames", type=int, default=3, help="TRANSFER_GET2 count to keep")
    ap.add_argument("--list", action="store_true", help="print the messages kept")
    args = ap.parse_args()

    data = open(args.input, "rb").read()
    end = 0
    frames = 0
    counts = {}
    for pos, size, cmd, length in walk(data):
        if args.list:
            print(f"{pos:8d} {VCMD.get(cmd, cmd):22s} len={length}")
        counts[cmd] = counts.get(cmd, 0) + 1
        end = pos + size
        if cmd == 13:
            frames += 1
            if frames >= args.frames:
                break
    summary = ", ".join(f"{VCMD.get(c, c)} {n}" for c, n in sorted(counts.items()))
    print(f"kept {end} of {len(data)} bytes, {frames} frames: {summary}", file=sys.stderr)
    if frames < args.frames:
        print(f"warning: only {frames} frames in the recording", file=sys.stderr)
    if args.output:
        with open(args.output, "wb") as out:
            out.write(data[:end])


if __name__ == "__main__":
    main()
