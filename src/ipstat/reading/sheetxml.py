"""What python-calamine does not tell about a sheet's cells, read from the sheet's XML: which
cells hold an Excel error value (`#DIV/0!`: calamine reads it as empty, and refuses the whole
sheet for one it does not know, such as `#GETTING_DATA`), and which cells carry a number format
that shows the clerk another number than the one stored (`0%`, `#,##0,,`).

The file has already been vetted (no DTD, bounded sizes) by `workbook.open_workbook`. The
sheet's cells are scanned only when asked, and for formats only when some style misleads.
"""

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import IO
from xml.etree.ElementTree import Element, ParseError, iterparse

# The error values python-calamine reads (as an empty cell); any other makes it refuse the sheet.
CALAMINE_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
_BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}  # the built-in number formats that mislead
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_SCALING = re.compile(r"(?<=[0#?]),+(?![0#?])")
_REF = re.compile(r"([A-Z]+)([0-9]+)")
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


def _attribute(element: Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (transitional or strict OOXML)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _elements(part: IO[bytes]) -> Iterator[Element]:
    for _, element in iterparse(part, events=("end",)):
        yield element


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _a1(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


class SheetXml:
    """One sheet's error cells and misleadingly formatted cells, by A1 reference."""

    def __init__(self, content: bytes, sheet: str) -> None:
        self.content = content
        self.sheet = sheet

    def _open(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(io.BytesIO(self.content))

    @cached_property
    def part(self) -> str | None:
        """The zip entry of the sheet, through xl/workbook.xml and its relationships."""
        try:
            with self._open() as archive:
                with archive.open("xl/workbook.xml") as part:
                    rel = next(
                        (
                            _attribute(e, "id")
                            for e in _elements(part)
                            if _local(e.tag) == "sheet" and e.get("name") == self.sheet
                        ),
                        None,
                    )
                if rel is None:
                    return None
                with archive.open("xl/_rels/workbook.xml.rels") as part:
                    target = next(
                        (
                            e.get("Target", "")
                            for e in _elements(part)
                            if _local(e.tag) == "Relationship" and e.get("Id") == rel
                        ),
                        None,
                    )
        except (KeyError, ParseError, zipfile.BadZipFile, OSError):
            return None
        if not target:
            return None
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join("xl", target))

    @cached_property
    def styles(self) -> dict[int, NumberFormat]:
        """Cell style index (`s=`) → the misleading number format it applies."""
        try:
            with self._open() as archive, archive.open("xl/styles.xml") as part:
                codes = dict(_BUILTIN_FORMATS)
                xfs: list[int] = []
                in_cell_xfs = False
                for event, element in iterparse(part, events=("start", "end")):
                    tag = _local(element.tag)
                    if tag == "cellXfs":
                        in_cell_xfs = event == "start"
                    elif event == "end" and tag == "numFmt":
                        codes[int(element.get("numFmtId", "-1"))] = element.get("formatCode", "")
                    elif event == "end" and tag == "xf" and in_cell_xfs:
                        xfs.append(int(element.get("numFmtId", "0")))
        except (KeyError, ParseError, ValueError, zipfile.BadZipFile, OSError):
            return {}
        found = {}
        for index, format_id in enumerate(xfs):
            shown = misleading_format(codes.get(format_id, ""))
            if shown is not None:
                found[index] = shown
        return found

    @cached_property
    def _cells(self) -> tuple[dict[str, str], dict[str, NumberFormat]]:
        errors: dict[str, str] = {}
        formats: dict[str, NumberFormat] = {}
        part = self.part
        if part is None:
            return errors, formats
        styles = self.styles
        row, column = 0, -1
        try:
            with self._open() as archive, archive.open(part) as stream:
                for event, element in iterparse(stream, events=("start", "end")):
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
                    ref = element.get("r")
                    match = _REF.fullmatch(ref or "")
                    if match:
                        column, row = _column(match[1]), int(match[2]) - 1
                    else:
                        column += 1
                    where = _a1(row, column)
                    if element.get("t") == "e":
                        value = next((c.text for c in element if _local(c.tag) == "v"), None)
                        errors[where] = (value or "").strip()
                    style = element.get("s")
                    if style and style.isdigit() and int(style) in styles:
                        formats[where] = styles[int(style)]
        except (KeyError, ParseError, ValueError, zipfile.BadZipFile, OSError):
            pass
        return errors, formats

    @property
    def errors(self) -> dict[str, str]:
        """A1 reference → the error value as Excel shows it (`#DIV/0!`)."""
        return self._cells[0]

    @property
    def formats(self) -> dict[str, NumberFormat]:
        """A1 reference → the misleading number format of the cell; no scan if none can be."""
        return self._cells[1] if self.styles else {}

    def readable_copy(self) -> bytes | None:
        """The workbook with every error value calamine does not know written as `#N/A`, so
        the rest of the sheet can be read; None when the sheet has no such value."""
        part = self.part
        if part is None:
            return None
        try:
            with self._open() as archive:
                xml = archive.read(part)
                patched = _ERROR_VALUE.sub(_known_error, xml)
                if patched == xml:
                    return None
                out = io.BytesIO()
                with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
                    for info in archive.infolist():
                        data = patched if info.filename == part else archive.read(info)
                        copy.writestr(info.filename, data)
        except (KeyError, zipfile.BadZipFile, OSError):
            return None
        return out.getvalue()


def _known_error(match: re.Match[bytes]) -> bytes:
    value = match[2].decode("utf-8", "replace").strip()
    replacement = match[2] if value in CALAMINE_ERRORS else b"#N/A"
    return match[1] + replacement + match[3]
