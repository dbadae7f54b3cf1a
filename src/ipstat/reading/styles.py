"""What a workbook's `styles.xml` says that python-calamine does not: which cell styles show
another number than the one stored (`0%`, `#,##0,,`), and which set a TCVN3 or VNI font.

Nearly every workbook has neither, and that is decided by a byte search without parsing; the
rare one is parsed through defusedxml.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ipstat.reading.legacy_text import font_encoding

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

_BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}  # the built-in number formats that mislead
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_SCALING = re.compile(r"(?<=[0#?]),+(?![0#?])")
_FORMAT_CODE = re.compile(rb"""formatCode\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_BUILTIN_USED = re.compile(rb"""numFmtId\s*=\s*["'](?:9|10)["']""")
_LEGACY_FONT = re.compile(rb"""\bval\s*=\s*["'](?:\.vn|vni[- ])""", re.IGNORECASE)


@dataclass(frozen=True)
class NumberFormat:
    """A number format that changes the number shown: a percentage, or scaled by 1,000s."""

    code: str
    percent: bool
    scale: int  # the shown number is the stored one divided by 1000 ** scale
    decimals: int


def misleading_format(code: str) -> NumberFormat | None:
    """`0.0%` and `#,##0,,` mislead; `#,##0.00` does not. Only the positive section counts."""
    section = _LITERALS.sub("", code).split(";")[0]
    percent = "%" in section
    scale = sum(len(run) for run in _SCALING.findall(section))
    if not percent and not scale:
        return None
    _, dot, fraction = section.partition(".")
    decimals = sum(ch in "0#?" for ch in fraction) if dot else 0
    return NumberFormat(code, percent, scale, decimals)


@dataclass(frozen=True)
class Styles:
    """By cell style index (a cell's `s`): the misleading number format it applies, and the
    legacy font it sets."""

    formats: dict[int, NumberFormat] = field(default_factory=dict)
    fonts: dict[int, str] = field(default_factory=dict)

    @property
    def wanted(self) -> frozenset[int]:
        """The styles whose cells a sheet's scan keeps."""
        return frozenset(self.formats) | frozenset(self.fonts)


@lru_cache(maxsize=4)  # the members' workbooks come from one form: the same styles
def read_styles(data: bytes) -> Styles:
    misleads = _BUILTIN_USED.search(data) or any(
        misleading_format(_unescape(b"".join(found).decode("utf-8", "replace")))
        for found in _FORMAT_CODE.findall(data)
    )
    legacy = _LEGACY_FONT.search(data)
    if not misleads and not legacy:
        return Styles()
    root = _parse(data)
    if root is None:
        return Styles()
    cell_xfs = _child(root, "cellXfs")
    styles = list(cell_xfs) if cell_xfs is not None else []
    return Styles(
        _formats(root, styles) if misleads else {}, _fonts(root, styles) if legacy else {}
    )


def _parse(data: bytes) -> "Element | None":
    """The part as a tree; None where it cannot be one (calamine then says what is wrong)."""
    from xml.etree.ElementTree import ParseError  # noqa: PLC0415

    from defusedxml import DefusedXmlException  # noqa: PLC0415
    from defusedxml.ElementTree import fromstring  # noqa: PLC0415

    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException):
        return None
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(element: "Element", name: str) -> "Element | None":
    return next((e for e in element if _local(e.tag) == name), None)


def _formats(root: "Element", cell_xfs: list["Element"]) -> dict[int, NumberFormat]:
    codes = dict(_BUILTIN_FORMATS)
    for element in root.iter():
        if _local(element.tag) == "numFmt" and element.get("numFmtId", "").isdigit():
            codes[int(element.get("numFmtId", ""))] = element.get("formatCode", "")
    found = {}
    for index, xf in enumerate(cell_xfs):
        format_id = xf.get("numFmtId", "0")
        shown = misleading_format(codes.get(int(format_id), "")) if format_id.isdigit() else None
        if shown is not None:
            found[index] = shown
    return found


def _fonts(root: "Element", cell_xfs: list["Element"]) -> dict[int, str]:
    fonts = _child(root, "fonts")
    names = [
        next((c.get("val", "") for c in font if _local(c.tag) == "name"), "")
        for font in (fonts if fonts is not None else ())
    ]
    found = {}
    for index, xf in enumerate(cell_xfs):
        font_id = xf.get("fontId", "0")
        name = names[int(font_id)] if font_id.isdigit() and int(font_id) < len(names) else ""
        if font_encoding(name):
            found[index] = name
    return found


def _unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
