"""Images for the qemu suite: (width, height, RGB bytes) triples, QEMU's PPM
screendumps, PNGs (pvgpu-gears', display captures; decoded by the apps suite's
reader) and comparisons."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "apps"))
import images  # noqa: E402  (the apps suite's PNG reader)


def read_png_rgb(path):
    """An 8-bit RGB or RGBA PNG as (width, height, RGB bytes)."""
    w, h, channels, px = images.read_png(path)
    if channels == 4:
        px = bytes(b for i, b in enumerate(px) if i % 4 != 3)
    return w, h, px


def read_ppm(path):
    """A binary P6 PPM with maxval 255 (what QEMU's screendump writes)."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit P6 PPM")
    w, h = int(fields[1]), int(fields[2])
    px = data[pos + 1:pos + 1 + w * h * 3]
    if len(px) != w * h * 3:
        raise ValueError(f"{path}: truncated")
    return w, h, px


def write_ppm(path, img):
    w, h, px = img
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + px)


def match_fraction(a, b, tol=1):
    """Fraction of pixels whose channels all differ by at most tol."""
    if a == b:
        return 1.0
    good = 0
    for i in range(0, len(a), 3):
        if (abs(a[i] - b[i]) <= tol and abs(a[i + 1] - b[i + 1]) <= tol and
                abs(a[i + 2] - b[i + 2]) <= tol):
            good += 1
    return good / (len(a) // 3)


def lit_fraction(px, step=7):
    """Fraction of (sampled) pixels that are not near black."""
    n = lit = 0
    for i in range(0, len(px) - 2, 3 * step):
        n += 1
        lit += px[i] + px[i + 1] + px[i + 2] > 60
    return lit / max(n, 1)


def colours(px, step=7):
    """Distinct colours among sampled pixels."""
    return len({px[i:i + 3] for i in range(0, len(px) - 2, 3 * step)})


def grid_signature(img, cols, rows, bottom_up=False):
    """Average R, G, B of each cell of a cols x rows grid (cells of w // cols by
    h // rows pixels), row by row; bottom_up starts from the last image row."""
    w, h, px = img
    cw, ch = w // cols, h // rows
    out = bytearray()
    for gy in range(rows):
        sums = [[0, 0, 0] for _ in range(cols)]
        for k in range(ch):
            y = gy * ch + k
            if bottom_up:
                y = h - 1 - y
            line = px[y * w * 3:(y + 1) * w * 3]
            for gx in range(cols):
                cell = line[gx * cw * 3:(gx + 1) * cw * 3]
                for c in range(3):
                    sums[gx][c] += sum(cell[c::3])
        for gx in range(cols):
            out += bytes(v // (cw * ch) for v in sums[gx])
    return bytes(out)
