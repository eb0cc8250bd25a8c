"""Image helpers of the apps suite: PNG read/write, frame dumps, tolerant comparison.

An image is a tuple (width, height, channels, pixels): pixels are bytes, rows top
first, `channels` bytes per pixel (3 = RGB, 4 = RGBA).
"""
import struct
import zlib

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PNG_COLOR = {3: 2, 4: 6}  # channels -> PNG colour type (truecolour, with alpha)


class ImageError(Exception):
    pass


def _unfilter_row(ftype, line, prev, bpp):
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
        if ftype == 1:
            line[i] = (line[i] + a) & 0xff
        elif ftype == 2:
            line[i] = (line[i] + b) & 0xff
        elif ftype == 3:
            line[i] = (line[i] + (a + b) // 2) & 0xff
        elif ftype == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pred) & 0xff


def read_png(path):
    """Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what pvgpu-x11shot and
    write_png produce)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != PNG_MAGIC:
        raise ImageError(f"{path}: not a PNG")
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            channels = {c: n for n, c in PNG_COLOR.items()}.get(color, 0)
            if depth != 8 or not channels or body[12] != 0:
                raise ImageError(f"{path}: unsupported PNG layout")
        elif ctype == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    out, prev = bytearray(), bytearray(stride)
    for y in range(height):
        row = y * (stride + 1)
        line = bytearray(raw[row + 1:row + 1 + stride])
        _unfilter_row(raw[row], line, prev, channels)
        out += line
        prev = line
    return width, height, channels, bytes(out)


def write_png(path, image):
    """Writes an image as an 8-bit PNG (no filtering: these are test artefacts)."""
    width, height, channels, pixels = image
    stride = width * channels
    raw = b"".join(b"\0" + pixels[y * stride:(y + 1) * stride] for y in range(height))

    def chunk(ctype, body):
        return (struct.pack(">I", len(body)) + ctype + body +
                struct.pack(">I", zlib.crc32(ctype + body) & 0xffffffff))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, PNG_COLOR[channels], 0, 0, 0)
    with open(path, "wb") as f:
        f.write(PNG_MAGIC + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 6)) +
                chunk(b"IEND", b""))


# What tests/apps/frame_capture.c writes: a text line, then RGBA8 rows bottom first.
FRAME_MAGIC = "pvgpu-frame"
MAX_FRAME_SIDE = 8192


def read_frame_dump(path):
    """Returns (image, stdout offset) of a frame-capture dump; rows are flipped to top first."""
    with open(path, "rb") as f:
        data = f.read()
    end = data.find(b"\n", 0, 96)
    fields = data[:end].decode(errors="replace").split() if end > 0 else []
    try:
        if len(fields) != 4 or fields[0] != FRAME_MAGIC:
            raise ValueError
        width, height, offset = int(fields[1]), int(fields[2]), int(fields[3])
    except ValueError:
        raise ImageError(f"{path}: not a frame dump") from None
    stride = width * 4
    if not (0 < width <= MAX_FRAME_SIDE and 0 < height <= MAX_FRAME_SIDE):
        raise ImageError(f"{path}: bad size {width}x{height}")
    body = data[end + 1:]
    if len(body) != stride * height:
        raise ImageError(f"{path}: {len(body)} pixel bytes, expected {stride * height}")
    rows = [body[y * stride:(y + 1) * stride] for y in range(height - 1, -1, -1)]
    return (width, height, 4, b"".join(rows)), offset


def compare_images(a, b, tol=2):
    """Fraction of pixels whose channels all differ by at most tol."""
    (wa, ha, ca, pa), (wb, hb, cb, pb) = a, b
    if (wa, ha, ca) != (wb, hb, cb):
        raise ImageError(f"images differ in layout: {wa}x{ha}x{ca} vs {wb}x{hb}x{cb}")
    if pa == pb:
        return 1.0
    stride, bad = wa * ca, 0
    for y in range(ha):
        ra, rb = pa[y * stride:(y + 1) * stride], pb[y * stride:(y + 1) * stride]
        if ra == rb:
            continue  # most rows of near-identical frames: skip the per-pixel loop
        for i in range(0, stride, ca):
            for k in range(i, i + ca):
                if abs(ra[k] - rb[k]) > tol:
                    bad += 1
                    break
    return 1.0 - bad / (wa * ha)
