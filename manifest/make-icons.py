#!/usr/bin/env python3
"""Draws the Teams app icons of TriageBot: manifest/color.png and manifest/outline.png.

    python3 manifest/make-icons.py

The glyph is a speech bubble with a check mark ("your error, answered"):
- color.png   192x192, opaque: a white bubble with a blue check mark on the accent blue.
- outline.png  32x32: the same bubble as a white outline with a white check mark on a
  transparent background. Teams requires white and transparent only, so every pixel is
  white (RGB 255,255,255) and only alpha varies (anti-aliased edges).

Python standard library only (zlib, struct), and the output is byte-for-byte reproducible, so
the committed PNGs can be regenerated and compared. The tests check the sizes and the outline
rule (tests/TriageBot.Tests/TeamsApp/IconTests.cs).
"""
import math
import os
import struct
import zlib

ACCENT = (0x1F, 0x5F, 0xA8)  # the manifest's accentColor, #1F5FA8
WHITE = (0xFF, 0xFF, 0xFF)
SUPERSAMPLE = 4  # 4x4 samples per pixel for smooth edges


def rounded_rect_sdf(x, y, cx, cy, half_w, half_h, radius):
    """Signed distance to a rounded rectangle centred on (cx, cy); negative inside."""
    qx = abs(x - cx) - (half_w - radius)
    qy = abs(y - cy) - (half_h - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    inside = min(max(qx, qy), 0.0)
    return outside + inside - radius


def in_triangle(px, py, a, b, c):
    def side(p1, p2):
        return (px - p2[0]) * (p1[1] - p2[1]) - (p1[0] - p2[0]) * (py - p2[1])

    d1, d2, d3 = side(a, b), side(b, c), side(c, a)
    has_neg = d1 < 0 or d2 < 0 or d3 < 0
    has_pos = d1 > 0 or d2 > 0 or d3 > 0
    return not (has_neg and has_pos)


def segment_distance(px, py, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


class Glyph:
    """The bubble and check mark in unit coordinates (0..1 of the icon's side)."""

    def __init__(self, size, bubble, tail, check, check_width):
        self.size = size
        self.bubble = bubble  # (cx, cy, half_w, half_h, radius)
        self.tail = tail  # three points
        self.check = check  # polyline points
        self.check_width = check_width

    def scaled(self, v):
        return v * self.size

    def in_bubble(self, x, y):
        cx, cy, hw, hh, r = (self.scaled(v) for v in self.bubble)
        if rounded_rect_sdf(x, y, cx, cy, hw, hh, r) <= 0:
            return True
        return in_triangle(x, y, *[(self.scaled(px), self.scaled(py)) for px, py in self.tail])

    def on_check(self, x, y):
        points = [(self.scaled(px), self.scaled(py)) for px, py in self.check]
        half = self.scaled(self.check_width) / 2
        return any(segment_distance(x, y, points[i], points[i + 1]) <= half for i in range(len(points) - 1))


def render(size, shade):
    """shade(x, y) -> (r, g, b, a) for one sample point; returns rows of RGBA bytes."""
    rows = []
    n = SUPERSAMPLE
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(n):
                for sx in range(n):
                    r, g, b, a = shade(px + (sx + 0.5) / n, py + (sy + 0.5) / n)
                    # Premultiplied accumulation keeps edges against transparency clean.
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            alpha = acc[3] / (n * n)
            if acc[3] > 0:
                rgb = [round(acc[i] / acc[3]) for i in range(3)]
            else:
                rgb = [0, 0, 0]
            row += bytes(rgb + [round(alpha * 255)])
        rows.append(bytes(row))
    return rows


def write_png(path, size, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 (None) on every row
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def color_icon():
    size = 192
    glyph = Glyph(
        size,
        bubble=(0.5, 0.45, 0.31, 0.23, 0.09),
        tail=[(0.30, 0.60), (0.28, 0.80), (0.48, 0.66)],
        check=[(0.36, 0.45), (0.46, 0.55), (0.65, 0.35)],
        check_width=0.075,
    )

    def shade(x, y):
        if glyph.in_bubble(x, y):
            return (*ACCENT, 1.0) if glyph.on_check(x, y) else (*WHITE, 1.0)
        return (*ACCENT, 1.0)

    return size, render(size, shade)


def outline_icon():
    size = 32
    # Bubble drawn as a ring: inside the outer shape but not inside the shape shrunk by the stroke.
    stroke = 2.0 / size
    outer = Glyph(
        size,
        bubble=(0.5, 0.44, 0.44, 0.32, 0.13),
        tail=[(0.24, 0.62), (0.17, 0.94), (0.50, 0.66)],
        check=[(0.31, 0.44), (0.45, 0.58), (0.70, 0.31)],
        check_width=2.4 / size,
    )
    cx, cy, hw, hh, r = outer.bubble
    inner = Glyph(size, bubble=(cx, cy, hw - stroke, hh - stroke, max(r - stroke, 0.0)), tail=outer.tail, check=[], check_width=0)

    def shade(x, y):
        in_outer = outer.in_bubble(x, y)
        in_inner_box = rounded_rect_sdf(x, y, *(inner.scaled(v) for v in inner.bubble)) <= 0
        ring = in_outer and not in_inner_box and not _inside_tail_only(outer, inner, x, y, stroke * size)
        if ring or outer.on_check(x, y):
            return (*WHITE, 1.0)
        return (*WHITE, 0.0)

    return size, render(size, shade)


def _inside_tail_only(outer, inner, x, y, stroke_px):
    """True for points of the tail's interior (more than one stroke away from its outer edges),
    so the tail is drawn as an outline joined to the bubble's ring rather than a filled wedge."""
    tail = [(outer.scaled(px), outer.scaled(py)) for px, py in outer.tail]
    if not in_triangle(x, y, *tail):
        return False
    cx, cy, hw, hh, r = (outer.scaled(v) for v in outer.bubble)
    if rounded_rect_sdf(x, y, cx, cy, hw, hh, r) <= -stroke_px:
        return False  # inside the bubble's inner area: already transparent
    edge = min(segment_distance(x, y, tail[0], tail[1]), segment_distance(x, y, tail[1], tail[2]))
    return edge > stroke_px


def main():
    folder = os.path.dirname(os.path.abspath(__file__))
    for name, (size, rows) in (("color.png", color_icon()), ("outline.png", outline_icon())):
        path = os.path.join(folder, name)
        write_png(path, size, rows)
        print(f"wrote {path} ({size}x{size})")


if __name__ == "__main__":
    main()
