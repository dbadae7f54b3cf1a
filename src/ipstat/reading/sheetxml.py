"""What python-calamine does not tell about a sheet's cells, read from the sheet's XML: which
cells hold an Excel error value (`#DIV/0!`: calamine reads it as empty, and refuses the whole
sheet for one it does not know, such as `#GETTING_DATA`), and which cells carry a number format
that shows the clerk another number than the one stored (`0%`, `#,##0,,`).

The file has already been vetted (no DTD, bounded sizes) by `workbook.open_workbook`. The
sheet's cells are scanned only when asked, and for formats only when some style misleads.
"""

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from ipstat.reading.legacy_text import font_encoding
from ipstat.reading.sheetarea import a1, position, sheet_paths

T = TypeVar("T")

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from ipstat.reading.container import Part

# The error values python-calamine reads (as an empty cell); any other makes it refuse the sheet.
CALAMINE_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
_BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}  # the built-in number formats that mislead
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_SCALING = re.compile(r"(?<=[0#?]),+(?![0#?])")
_FORMAT_CODE = re.compile(rb"""formatCode\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_BUILTIN_USED = re.compile(rb"""numFmtId\s*=\s*["'](?:9|10)["']""")
_LEGACY_FONT = re.compile(rb"""\bval\s*=\s*["'](?:\.vn|vni[- ])""", re.IGNORECASE)
_ERROR_CELL = re.compile(rb"""\bt\s*=\s*["']e["']""")
_ERROR_VALUE = re.compile(
    rb"""(<(?:\w+:)?c\b[^>]*\bt\s*=\s*["']e["'][^>]*>\s*"""
    rb"""(?:<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*)?<(?:\w+:)?v>)([^<]*)(<)"""
)


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


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element: "Element", name: str) -> str | None:
    """An attribute by local name, whatever its namespace (transitional or strict OOXML)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


class WorkbookXml:
    """The parts of one workbook that say where each sheet is and how its cells are shown;
    the zip is opened once, and each part parsed at most once."""

    def __init__(self, content: bytes, parts: "Mapping[str, Part] | None" = None) -> None:
        self.content = content
        self.parts = parts or {}

    @cached_property
    def archive(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(io.BytesIO(self.content))

    def read_part(self, name: str) -> bytes:
        """A part's bytes: those the container check kept, else from the zip."""
        kept = self.parts.get(name.lower())
        if kept is not None and kept.data is not None:
            return kept.data
        try:
            return self.archive.read(name)
        except (KeyError, zipfile.BadZipFile, OSError):
            return b""

    def _xml(self, name: str, data: bytes | None = None) -> "Element | None":
        from xml.etree.ElementTree import XML, ParseError  # noqa: PLC0415  (only when needed)

        try:
            return XML(self.read_part(name) if data is None else data)
        except ParseError:
            return None

    @cached_property
    def sheet_parts(self) -> dict[str, str]:
        """Sheet name → the zip entry calamine reads it from (`sheetarea.sheet_paths`)."""
        paths = sheet_paths(
            self.read_part("xl/workbook.xml"), self.read_part("xl/_rels/workbook.xml.rels")
        )
        return {name: candidates[0] for name, candidates in paths.items() if candidates}

    @cached_property
    def styles(self) -> dict[int, NumberFormat]:
        """Cell style index (`s=`) → the misleading number format it applies."""
        data = self.read_part("xl/styles.xml")
        codes_written = (
            _unescape(b"".join(found).decode("utf-8", "replace"))
            for found in _FORMAT_CODE.findall(data)
        )
        if not _BUILTIN_USED.search(data) and not any(map(misleading_format, codes_written)):
            return {}  # the common case, decided without parsing
        root = self._xml("xl/styles.xml", data)
        if root is None:
            return {}
        codes = dict(_BUILTIN_FORMATS)
        for element in root.iter():
            if _local(element.tag) == "numFmt" and element.get("numFmtId", "").isdigit():
                codes[int(element.get("numFmtId", ""))] = element.get("formatCode", "")
        cell_xfs = next((e for e in root if _local(e.tag) == "cellXfs"), None)
        found = {}
        for index, xf in enumerate(cell_xfs if cell_xfs is not None else ()):
            format_id = xf.get("numFmtId", "0")
            shown = (
                misleading_format(codes.get(int(format_id), "")) if format_id.isdigit() else None
            )
            if shown is not None:
                found[index] = shown
        return found

    @cached_property
    def legacy_fonts(self) -> dict[int, str]:
        """Cell style index (`s=`) → the TCVN3 or VNI font it sets (`.VnTime`); decided
        without parsing when no font of the workbook is one, as in nearly every file."""
        data = self.read_part("xl/styles.xml")
        if not _LEGACY_FONT.search(data):
            return {}
        root = self._xml("xl/styles.xml", data)
        if root is None:
            return {}
        fonts = next((e for e in root if _local(e.tag) == "fonts"), None)
        names = [
            next((c.get("val", "") for c in font if _local(c.tag) == "name"), "")
            for font in (fonts if fonts is not None else ())
        ]
        cell_xfs = next((e for e in root if _local(e.tag) == "cellXfs"), None)
        found = {}
        for index, xf in enumerate(cell_xfs if cell_xfs is not None else ()):
            font_id = xf.get("fontId", "0")
            name = names[int(font_id)] if font_id.isdigit() and int(font_id) < len(names) else ""
            if font_encoding(name):
                found[index] = name
        return found

    def sheet(self, name: str) -> "SheetXml":
        return SheetXml(self, name)


class SheetXml:
    """One sheet's error cells and misleadingly formatted cells, by A1 reference."""

    def __init__(self, book: WorkbookXml, name: str) -> None:
        self.book = book
        self.name = name

    @cached_property
    def part(self) -> str | None:
        return self.book.sheet_parts.get(self.name)

    @cached_property
    def _data(self) -> bytes:
        return self.book.read_part(self.part) if self.part else b""

    def _scan(self, styles: Mapping[int, T]) -> tuple[dict[str, str], dict[str, T]]:
        from xml.etree.ElementTree import ParseError, iterparse  # noqa: PLC0415

        errors: dict[str, str] = {}
        formats: dict[str, T] = {}
        row, column = 0, -1
        try:
            for event, element in iterparse(io.BytesIO(self._data), events=("start", "end")):
                tag = _local(element.tag)
                if event == "start":
                    if tag == "row":
                        row = int(element.get("r", row + 2)) - 1
                        column = -1
                    continue
                if tag != "c":
                    if tag == "row":
                        element.clear()
                    continue
                place = position(element.get("r") or "")
                if place:
                    row, column = place
                else:
                    column += 1
                where = a1(row, column)
                if element.get("t") == "e":
                    value = next((c.text for c in element if _local(c.tag) == "v"), None)
                    errors[where] = (value or "").strip()
                style = element.get("s", "0")  # Excel leaves out the default style
                if style and style.isdigit() and int(style) in styles:
                    formats[where] = styles[int(style)]
        except (ParseError, ValueError):
            pass
        return errors, formats

    @cached_property
    def errors(self) -> dict[str, str]:
        """A1 reference → the error value as Excel shows it (`#DIV/0!`)."""
        if _ERROR_CELL.search(self._data) is None:
            return {}
        return self._scan({})[0]

    @cached_property
    def formats(self) -> dict[str, NumberFormat]:
        """A1 reference → the misleading number format of the cell; no scan if none can be."""
        styles = self.book.styles
        return self._scan(styles)[1] if styles else {}

    @cached_property
    def legacy_fonts(self) -> dict[str, str]:
        """A1 reference → the TCVN3 or VNI font of the cell; no scan if no style sets one."""
        styles = self.book.legacy_fonts
        return self._scan(styles)[1] if styles else {}

    def readable_copy(self) -> bytes | None:
        """The workbook with every error value calamine does not know written as `#N/A`, so
        the rest of the sheet can be read; None when the sheet has no such value."""
        patched = _ERROR_VALUE.sub(_known_error, self._data)
        if not self.part or patched == self._data:
            return None
        out = io.BytesIO()
        try:
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
                for info in self.book.archive.infolist():
                    data = patched if info.filename == self.part else self.book.archive.read(info)
                    copy.writestr(info.filename, data)
        except (KeyError, zipfile.BadZipFile, OSError):
            return None
        return out.getvalue()


def _known_error(match: re.Match[bytes]) -> bytes:
    value = match[2].decode("utf-8", "replace")
    replacement = match[2] if value in CALAMINE_ERRORS else b"#N/A"
    return match[1] + replacement + match[3]


def _unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
