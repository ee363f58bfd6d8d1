"""Reading an X window dump (``xwd -root``) of a 24/32-bit TrueColor screen, for the real-X test."""

from __future__ import annotations

import struct
from pathlib import Path


def read_xwd(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows) of a ZPixmap dump with 4 bytes per pixel; each row holds B,G,R,x bytes."""
    data = Path(path).read_bytes()
    header = struct.unpack(">25I", data[:100])
    header_size, _version, pixmap_format, _depth, width, height = header[:6]
    byte_order, bits_per_pixel, bytes_per_line, ncolors = header[7], header[11], header[12], header[19]
    if pixmap_format != 2 or bits_per_pixel not in (24, 32):
        raise ValueError(f"only 24/32-bit TrueColor ZPixmap dumps are read here (format {pixmap_format}, {bits_per_pixel} bpp)")
    size = bits_per_pixel // 8
    start = header_size + 12 * ncolors
    rows = []
    for y in range(height):
        row = data[start + y * bytes_per_line : start + y * bytes_per_line + size * width]
        pixels = [row[i : i + size] for i in range(0, len(row), size)]
        if byte_order == 1:  # MSBFirst: the bytes of each pixel are reversed
            pixels = [pixel[::-1] for pixel in pixels]
        rows.append(b"".join(pixel[:3] + b"\xff" for pixel in pixels))  # B, G, R, x
    return width, height, rows


def colours(rows: list[bytes], left: int, top: int, width: int, height: int) -> set[bytes]:
    """The distinct pixel values inside a rectangle."""
    found = set()
    for row in rows[top : top + height]:
        part = row[4 * left : 4 * (left + width)]
        found.update(part[i : i + 3] for i in range(0, len(part), 4))
    return found


def save_png(rows: list[bytes], width: int, height: int, out: Path) -> None:
    """Write the dump as a PNG (through Qt) so a person can look at it."""
    from PySide6.QtGui import QImage

    buffer = b"".join(rows)
    image = QImage(buffer, width, height, 4 * width, QImage.Format.Format_RGB32)
    image.save(str(out))
