"""Text typed in the old Vietnamese font encodings: TCVN3 (`.VnTime`, `.VnArial`, …) and VNI
(`VNI-Times`, …). Such text reaches us as Latin-1 look-alikes ("Hµ Nam" for "Hà Nam"), so it
is converted to Unicode before anything reads it.

A short cell cannot be recognised by its content alone, so the cell's font decides; the content
still has the last word, because a file converted to Unicode keeps its old font names: text
with a character beyond Latin-1, or with no character that Unicode Vietnamese never uses, is
left as it is. The conversion tables are viparse's (MIT), imported only when a cell needs them.
"""

import re
import unicodedata
from functools import cache
from typing import Any

TCVN3 = "tcvn3"
VNI = "vni"
NAMES = {TCVN3: "TCVN3", VNI: "VNI"}

# Latin-1 letters that Unicode Vietnamese uses: they do not tell a legacy encoding apart.
_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# In VNI a toned vowel is a base letter and a mark; these pairs never occur in Unicode text
# (`Phuùc`, `Giaù`), while `oà`, `oá` do (`hoà`, `khoá`) and so prove nothing.
_VNI_PAIRS = re.compile("[aeiouyAEIOUY][\u00f9\u00f5\u00d9\u00d5]")


def font_encoding(font: str | None) -> str | None:
    """The legacy encoding a font name implies: `.Vn…` is TCVN3, `VNI-…` is VNI."""
    if not font:
        return None
    name = font.strip()
    if name.startswith(".Vn") or name.casefold().startswith(".vn"):
        return TCVN3
    if name.casefold().startswith(("vni-", "vni ")):
        return VNI
    return None


def is_upper_font(font: str | None) -> bool:
    """`.VnTimeH`, `.VnArialH`: TCVN3 fonts that draw every letter as a capital."""
    return bool(font) and font_encoding(font) == TCVN3 and str(font).strip().endswith("H")


@cache
def _markers(encoding: str) -> frozenset[str]:
    """Characters of the encoding's table that Unicode Vietnamese text never holds."""
    return frozenset(
        ch
        for legacy, _ in _charmap(encoding).pairs
        for ch in legacy
        if ord(ch) > 0x7F and ch not in _VIETNAMESE_LATIN1
    )


def _charmap(encoding: str) -> Any:
    if encoding == TCVN3:
        from viparse.normalize.tcvn3 import TCVN3 as table  # noqa: PLC0415
    else:
        from viparse.normalize.vni import VNI as table  # noqa: PLC0415
    return table


def looks_legacy(text: str, encoding: str) -> bool:
    """True when the text can only be that encoding: nothing beyond Latin-1 (Unicode Vietnamese
    almost always has ư, ơ, đ or a dotted vowel), and a character no Unicode text would use."""
    if not text or any(ord(ch) > 0xFF for ch in text):
        return False
    if all(ord(ch) < 0x80 for ch in text):
        return False
    markers = _markers(encoding)
    if any(ch in markers for ch in text):
        return True
    return encoding == VNI and _VNI_PAIRS.search(text) is not None


def convert(text: str, encoding: str, upper: bool = False, sure: bool = False) -> str | None:
    """The Unicode text, or None when the text is not in that encoding (already Unicode).
    `sure`: the sheet is known to be typed in that encoding (other cells of its font show it),
    so a cell whose letters are all ones Unicode also uses (`Néi dung`) is converted too."""
    if any(ord(ch) > 0xFF for ch in text) or text.isascii():
        return None
    if not sure and not looks_legacy(text, encoding):
        return None
    from viparse import fix  # noqa: PLC0415  (150 ms to import: only for a legacy cell)

    converted = unicodedata.normalize("NFC", fix(text, encoding=encoding))
    if upper:
        converted = converted.upper()
    return converted if converted != text else None


def guess(text: str) -> str | None:
    """For a format whose fonts we do not read (.ods): the encoding the content shows, if any.
    TCVN3 first: it is twenty times as common as VNI in the documents of that time."""
    for encoding in (TCVN3, VNI):
        if looks_legacy(text, encoding):
            return encoding
    return None
