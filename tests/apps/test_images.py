#!/usr/bin/env python3
"""Unit tests of tests/apps/images.py: the tolerance rule, PNG round trips and
rejection of malformed frame dumps (they come from a process under test)."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import images  # noqa: E402


def solid(w, h, rgba):
    return (w, h, 4, bytes(rgba) * (w * h))


def dump_bytes(w, h, offset, rows_bottom_first):
    return f"pvgpu-frame {w} {h} {offset}\n".encode() + b"".join(rows_bottom_first)


class CompareTest(unittest.TestCase):
    def test_identical(self):
        self.assertEqual(images.compare_images(solid(4, 3, (1, 2, 3, 4)),
                                               solid(4, 3, (1, 2, 3, 4))), 1.0)

    def test_within_two_counts_as_equal(self):
        a = solid(4, 3, (10, 10, 10, 255))
        b = solid(4, 3, (12, 8, 10, 253))
        self.assertEqual(images.compare_images(a, b), 1.0)

    def test_three_in_one_channel_is_a_bad_pixel(self):
        a = solid(4, 5, (10, 10, 10, 255))
        pixels = bytearray(a[3])
        pixels[4 * 7 + 2] = 13  # pixel 7, blue +3
        pixels[4 * 9 + 3] = 250  # pixel 9, alpha -5
        frac = images.compare_images(a, (4, 5, 4, bytes(pixels)))
        self.assertAlmostEqual(frac, 18 / 20)

    def test_size_mismatch_is_an_error(self):
        with self.assertRaises(images.ImageError):
            images.compare_images(solid(4, 3, (0, 0, 0, 0)), solid(3, 4, (0, 0, 0, 0)))


class PngTest(unittest.TestCase):
    def test_round_trip(self):
        for channels in (3, 4):
            pixels = bytes((i * 7) & 0xff for i in range(5 * 3 * channels))
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "x.png")
                images.write_png(path, (5, 3, channels, pixels))
                self.assertEqual(images.read_png(path), (5, 3, channels, pixels))

    def test_not_a_png(self):
        with tempfile.NamedTemporaryFile(suffix=".png") as f:
            f.write(b"GIF89a")
            f.flush()
            with self.assertRaises(images.ImageError):
                images.read_png(f.name)


class FrameDumpTest(unittest.TestCase):
    def read(self, data):
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            return images.read_frame_dump(f.name)

    def test_rows_are_flipped_and_offset_kept(self):
        bottom, top = b"\1\1\1\1" * 2, b"\2\2\2\2" * 2
        image, offset = self.read(dump_bytes(2, 2, 1234, [bottom, top]))
        self.assertEqual(image, (2, 2, 4, top + bottom))
        self.assertEqual(offset, 1234)

    def test_bad_magic(self):
        with self.assertRaises(images.ImageError):
            self.read(b"other-frame 1 1 0\n\0\0\0\0")

    def test_missing_header_line(self):
        with self.assertRaises(images.ImageError):
            self.read(b"pvgpu-frame 1 1 0" + b"\0" * 200)

    def test_short_body(self):
        with self.assertRaises(images.ImageError):
            self.read(dump_bytes(2, 2, 0, [b"\0" * 8, b"\0" * 7]))

    def test_long_body(self):
        with self.assertRaises(images.ImageError):
            self.read(dump_bytes(1, 1, 0, [b"\0" * 5]))

    def test_zero_and_huge_sizes(self):
        for w, h in ((0, 1), (1, 0), (-1, 1), (images.MAX_FRAME_SIDE + 1, 1)):
            with self.assertRaises(images.ImageError):
                self.read(dump_bytes(w, h, 0, []))

    def test_non_numeric_fields(self):
        with self.assertRaises(images.ImageError):
            self.read(b"pvgpu-frame 1 x 0\n\0\0\0\0")


if __name__ == "__main__":
    unittest.main()
