"""The text layer of the PDFs Qt writes: 人民政府, not ⼈⺠政府.

Qt's PDF writer builds each embedded font's ToUnicode map by walking code points upwards and
keeping, per glyph, the first code point that reaches it. Noto/Source Han CJK (the fonts of
统信UOS, 麒麟 and most Linux desktops) draw a Kangxi radical and its ideograph with one glyph
(U+2F08 ⼈ and U+4EBA 人; U+2EDA ⻚ and U+9875 页), and the radical's code point is lower: the
PDF looks right, but copying or searching it finds radicals (184 characters of the 2023 demo
report, measured). ``mend_text_layer`` rewrites those maps after the PDF is written: a radical
that shares its glyph with an ideograph, in the fonts the program prints with, becomes that
ideograph. Our
documents hold ideographs, never radicals, so the ideograph is the character that was drawn.
WenQuanYi and the Windows fonts do not share these glyphs, and their PDFs are left as they are.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
import zlib
from pathlib import Path

RADICALS = (0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals
IDEOGRAPHS = ((0x4E00, 0xA000), (0x3400, 0x4DC0))  # unified ideographs, then extension A
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_TOUNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")


def font_radicals(raw_fonts) -> dict[int, int]:
    """Radical code point -> the ideograph drawn with the same glyph, over ``raw_fonts``
    (QRawFont objects: the first font that shares a glyph decides)."""
    radicals = "".join(chr(c) for c in range(*RADICALS))
    ideographs = "".join(chr(c) for start, end in IDEOGRAPHS for c in range(start, end))
    mapping: dict[int, int] = {}
    for raw in raw_fonts:
        if not raw.isValid():
            continue
        by_glyph: dict[int, str] = {}
        for char, glyph in zip(ideographs, raw.glyphIndexesForString(ideographs)):
            if glyph:
                by_glyph.setdefault(glyph, char)
        for char, glyph in zip(radicals, raw.glyphIndexesForString(radicals)):
            if glyph in by_glyph:
                mapping.setdefault(ord(char), ord(by_glyph[glyph]))
    for code in range(0x2F00, 0x2FD6):  # the 214 Kangxi radicals decompose to their ideographs anyway
        mapping.setdefault(code, ord(unicodedata.normalize("NFKC", chr(code))))
    return mapping


@functools.cache
def printing_radicals() -> dict[int, int]:
    """``font_radicals`` over every Chinese font Qt knows on this computer (the program's fonts and
    whatever fontconfig or Windows falls back to for a missing character). Measured here: 0.3 s for
    the 17 Chinese families of fonts-noto-cjk (with the test suite running alongside), 0.03 s for
    WenQuanYi's 2; computed once per run, at the first PDF."""
    from PySide6.QtGui import QFont, QFontDatabase, QRawFont

    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    fonts = []
    for family in families:
        font = QFont(family)
        font.setPixelSize(16)
        fonts.append(QRawFont.fromFont(font))
    return font_radicals(fonts)


def _mend_cmap(cmap: bytes, mapping: dict[int, int]) -> bytes:
    """The ToUnicode CMap with every destination code that ``mapping`` knows replaced.
    Source codes (glyph ids) are left alone; a range ``<lo> <hi> <dst>`` that runs into a
    radical is written out as an array."""
    lines, section, out = cmap.split(b"\n"), None, []
    for line in lines:
        stripped = line.strip()
        if stripped.endswith(b"beginbfchar"):
            section = "char"
        elif stripped.endswith(b"beginbfrange"):
            section = "range"
        elif stripped in (b"endbfchar", b"endbfrange"):
            section = None
        elif section == "char" and stripped.startswith(b"<"):
            codes = _HEX.findall(stripped)
            if len(codes) == 2:
                line = b"<%s> %s" % (codes[0], _destination(codes[1], mapping))
        elif section == "range" and stripped.startswith(b"<"):
            head, bracket, rest = stripped.partition(b"[")
            codes = _HEX.findall(head)
            if bracket:
                line = head + b"[" + b" ".join(_destination(code, mapping) for code in _HEX.findall(rest)) + b"]"
            elif len(codes) == 3:
                low, high, first = (int(code, 16) for code in codes)
                if low != high and len(codes[2]) == 4 and any(first + k in mapping for k in range(high - low + 1)):
                    line = b"<%s> <%s> [%s]" % (codes[0], codes[1], b" ".join(_destination(b"%04X" % (first + k), mapping) for k in range(high - low + 1)))
                else:
                    line = b"<%s> <%s> %s" % (codes[0], codes[1], _destination(codes[2], mapping))
        out.append(line)
    return b"\n".join(out)


def _destination(code: bytes, mapping: dict[int, int]) -> bytes:
    if len(code) == 4 and int(code, 16) in mapping:
        return b"<%04X>" % mapping[int(code, 16)]
    return b"<" + code + b">"


def mend_pdf(data: bytes, mapping: dict[int, int]) -> tuple[bytes, int]:
    """``data`` (a PDF as Qt writes it: one classic xref table, ToUnicode streams with a direct
    /Length) with its ToUnicode maps mended; returns the new bytes and how many codes changed.
    A file of another shape is returned unchanged (count 0)."""
    start = data.rfind(b"startxref")
    try:
        xref_at = int(data[start + len(b"startxref") :].split()[0])
    except (ValueError, IndexError):
        return data, 0
    if start < 0 or not data.startswith(b"xref", xref_at):
        return data, 0
    header = data[xref_at:].split(b"\n", 2)
    first, count = (int(n) for n in header[1].split())
    entries = _XREF_ENTRY.findall(data, xref_at, data.find(b"trailer", xref_at))
    if len(entries) != count or first != 0:
        return data, 0
    offsets = {number: int(offset) for number, (offset, _, kind) in enumerate(entries) if kind == b"n"}
    order = sorted(offsets, key=offsets.get)
    bounds = {number: (offsets[number], offsets[order[i + 1]] if i + 1 < len(order) else xref_at) for i, number in enumerate(order)}
    targets = {int(n) for n in _TOUNICODE.findall(data)}
    pieces, changed = {}, 0
    for number in targets & bounds.keys():
        begin, end = bounds[number]
        body = data[begin:end]
        match = re.search(rb"<<(.*?)>>\s*stream\r?\n", body, re.S)
        length = re.search(rb"/Length (\d+)(?! \d+ R)", match.group(1)) if match else None
        if not length:
            continue
        raw = body[match.end() : match.end() + int(length.group(1))]
        compressed = b"/FlateDecode" in match.group(1)
        cmap = zlib.decompress(raw) if compressed else raw
        mended = _mend_cmap(cmap, mapping)
        if mended == cmap:
            continue
        changed += sum(a != b for a, b in zip(_HEX.findall(cmap), _HEX.findall(mended)))
        stream = zlib.compress(mended) if compressed else mended
        dictionary = match.group(1).replace(length.group(0), b"/Length %d" % len(stream))
        pieces[number] = body[: match.start()] + b"<<" + dictionary + b">>\nstream\n" + stream + body[match.end() + len(raw) :]
    if not pieces:
        return data, 0
    out, new_offsets = bytearray(data[: offsets[order[0]]]), {}
    for number in order:
        begin, end = bounds[number]
        new_offsets[number] = len(out)
        out += pieces.get(number, data[begin:end])
    new_xref = len(out)
    table = [b"xref\n0 %d\n" % count]
    for number, (offset, generation, kind) in enumerate(entries):
        table.append(b"%010d %s %s \n" % (new_offsets.get(number, int(offset)), generation, kind))
    trailer_at = data.find(b"trailer", xref_at)
    trailer = data[trailer_at:start]
    out += b"".join(table) + trailer + b"startxref\n%d\n%%%%EOF\n" % new_xref
    return bytes(out), changed


def mend_text_layer(path: str | os.PathLike) -> int:
    """Mend the ToUnicode maps of the PDF at ``path`` in place (see the module's docstring);
    returns how many codes changed (0: nothing to mend)."""
    target = Path(path)
    data = target.read_bytes()
    mended, changed = mend_pdf(data, printing_radicals())
    if changed:
        temporary = target.with_name(target.name + ".mending")
        temporary.write_bytes(mended)
        os.replace(temporary, target)
    return changed


def mend_printed_pdf(printer) -> int:
    """After painting on ``printer`` (painter ended): mend its file when it wrote a PDF (导出 PDF,
    or a print dialog's 打印到文件); 0 for a real printer."""
    from PySide6.QtPrintSupport import QPrinter

    if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat or not printer.outputFileName():
        return 0
    if not Path(printer.outputFileName()).is_file():
        return 0
    return mend_text_layer(printer.outputFileName())
