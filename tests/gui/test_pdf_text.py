"""The ToUnicode maps of Qt's PDFs: a radical that shares its glyph with an ideograph reads as the ideograph."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QRawFont

from zhaocun_desktop.gui.pdf_text import _mend_cmap, font_radicals, mend_pdf

MAPPING = {0x2F08: 0x4EBA, 0x2EDA: 0x9875, 0x2EA0: 0x6C11}  # ⼈→人, ⻚→页, ⺠→民


def test_destinations_change_and_glyph_ids_do_not():
    cmap = (b"2 beginbfchar\n<2F08> <2F08>\n<0003> <0041>\nendbfchar\n"
            b"3 beginbfrange\n<0000> <0000> <0000>\n<0001> <0004> [<2F08> <2EDA> <5E74> <2EA0>]\n<2E9F> <2EA1> <2E9F>\nendbfrange\n")  # fmt: skip
    mended = _mend_cmap(cmap, MAPPING)
    assert b"<2F08> <4EBA>" in mended  # the source code (a glyph id) stays, its text is the ideograph
    assert b"<0003> <0041>" in mended
    assert b"<0001> <0004> [<4EBA> <9875> <5E74> <6C11>]" in mended
    assert b"<2E9F> <2EA1> [<2E9F> <6C11> <2EA1>]" in mended  # a range running into a radical becomes an array


def _pdf(streams: list[bytes]) -> bytes:
    """A PDF shaped as Qt writes one: objects in order, a classic xref table."""
    objects = [b"<< /Type /Catalog >>"]
    for number, _stream in enumerate(streams, start=2):
        objects.append(b"<< /Type /Font /ToUnicode %d 0 R >>" % (number + len(streams)))
    for stream in streams:
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_pdf_is_rewritten_with_offsets_that_still_point_at_their_objects():
    plain = b"1 beginbfchar\n<0001> <2F08>\nendbfchar\n"
    data = _pdf([plain, plain.replace(b"<0001> <2F08>", b"<0001> <2EDA>")])
    mended, changed = mend_pdf(data, MAPPING)
    assert changed == 2 and b"<4EBA>" in mended and b"<9875>" in mended
    xref = int(mended.rsplit(b"startxref\n", 1)[1].split()[0])
    assert mended[xref:].startswith(b"xref")
    for number, line in enumerate(mended[xref:].split(b"\n")[3:8], start=1):
        assert mended[int(line[:10]) :].startswith(b"%d 0 obj" % number)
    assert mend_pdf(b"not a pdf", MAPPING) == (b"not a pdf", 0)
    assert mend_pdf(mended, MAPPING)[1] == 0  # mended once, nothing left


def test_the_radicals_come_from_the_fonts_that_share_glyphs(qtbot):
    noto = [f for f in QFontDatabase.families() if f.startswith("Noto Serif CJK")]
    fonts = [QRawFont.fromFont(QFont(family)) for family in noto[:1]]
    mapping = font_radicals(fonts)
    assert mapping[0x2F08] == 0x4EBA  # the Kangxi block decomposes anyway
    if noto:  # Noto CJK shares ⻚ (a supplement radical, no decomposition) with 页
        assert mapping[0x2EDA] == 0x9875
