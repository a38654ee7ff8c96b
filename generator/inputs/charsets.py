"""Which character set a clerk's file is in, and whether its text uses an old Vietnamese font.

CSV files come as UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text")
or Windows-1258 (Excel's "CSV" on Vietnamese Windows). Each is recognised from
the bytes, never assumed. Text typed with the pre-Unicode fonts (.VnTime:
TCVN3/ABC; VNI-Times: VNI) reaches us as Latin letters with odd marks
("Tr­êng", "Tröôøng"); it is recognised so that it can be refused with advice.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

UTF8, UTF8_BOM, UTF16, CP1258 = "UTF-8", "UTF-8 có BOM", "UTF-16", "Windows-1258"
TCVN3, VNI = "TCVN3 (phông .VnTime)", "VNI (phông VNI-Times)"

# Characters TCVN3 text shows when read as Latin-1 that Vietnamese Unicode never uses.
_TCVN3_ONLY = set("\u00ad\u00b5\u00b6\u00b7\u00b8\u00b9\u00ae\u00a7\u00a8\u00a9\u00aa\u00ab"
                  "\u00ac\u00bb\u00bc\u00bd\u00be\u00c6\u00c7\u00c8\u00cb\u00ce\u00cf\u00df"
                  "\u00e4\u00e5\u00e6\u00e7\u00eb\u00ee\u00fe")  # fmt: skip
# VNI writes ư as "ö", ơ as "ô"+…, đ as "ñ" and tones as "ø û ï" after the vowel.
_VNI_MARKS = re.compile(r"[aeiouyAEIOUY][\u00f8\u00fb\u00ef\u00d8\u00db\u00cf]|[öÖñÑ]|[aeoAEO][âê]")
VIETNAMESE_LETTERS = "[ăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9]"  # letters beyond Latin-1
_VIETNAMESE = re.compile(VIETNAMESE_LETTERS)


class UnknownEncoding(ValueError):
    """The bytes are in none of the accepted character sets."""


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of the character set it was in."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), UTF8_BOM
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), UTF16
        if len(data) >= 4 and data[1:4:2] == b"\x00\x00" and b"\x00" not in data[0:4:2]:
            return data.decode("utf-16-le"), UTF16
    except UnicodeDecodeError:  # a BOM (or UTF-16's look) over bytes that are not that
        raise UnknownEncoding from None
    try:
        return data.decode("utf-8"), UTF8
    except UnicodeDecodeError:
        pass
    as_bytes = data.decode("latin-1")  # the old fonts draw their letters on these code points
    font = legacy_font(as_bytes)
    if font:
        return as_bytes, font
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise UnknownEncoding from None
    return unicodedata.normalize("NFC", text), CP1258


def legacy_font(text: str) -> str | None:
    """TCVN3 or VNI when ``text`` looks typed with an old font, else None."""
    if not text or _VIETNAMESE.search(text):
        return None
    if any(ch in _TCVN3_ONLY for ch in text):
        return TCVN3
    if _VNI_MARKS.search(text):
        return VNI
    return None
