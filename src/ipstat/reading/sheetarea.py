"""A sheet's XML read by us before (or instead of) calamine: its area, its part, its formulas.

calamine turns a sheet into a dense table from A1 to the farthest cell with a value, so one
cell at XFD1048576 asks for 512 GiB. `bound_sheet` places every cell as calamine places it
(with its `r`, or after the previous one) and checks the declared dimension too, against the
limits of `schemas/form.toml`, before calamine is asked for the sheet. The same walk finds the
formulas of cells whose result was never saved, once per sheet, without openpyxl.
"""

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from ipstat.contract.model import Limits
from ipstat.errors import WorkbookError
from ipstat.reading.container import RESAVE, damaged, shown

_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_REF = re.compile(r"[A-Za-z]{0,3}([0-9]{1,7})")
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_WANTED = _PREFIX + rb"(?:row|c|dimension|f)(?=[\s/>])"
_BODY = rb"""(?:[^>"']|"[^"]*"|'[^']*')*+"""  # a start tag's attributes: `>` may stand in quotes


# A lexer of the sheet's XML that skips, inside the regular-expression engine, everything but
# the tags the walk needs, as quick-xml (calamine's parser) splits a document: comments, CDATA,
# instructions and end tags to their end, start tags to the first `>` outside quotes. Each match
# is the next wanted tag, or the end; possessive quantifiers keep it linear on any input.
# Compiled on first use: a plain sheet (`plain_extent`) never needs it.
@cache
def _lexer() -> re.Pattern[bytes]:
    return re.compile(
        rb"(?:[^<]++"
        rb"|<!--.*?-->"
        rb"|<!\[CDATA\[.*?\]\]>"
        rb"|<![^>]*+>"
        rb"|<\?.*?\?>"
        rb"|</(?!" + _PREFIX + rb"row\s*>)[^>]*+>"
        rb"|<(?!" + _WANTED + rb")[^!?/]" + _BODY + rb">"
        rb")*+"
        rb"(?:(</" + _PREFIX + rb"row\s*>)"
        rb"|<" + _PREFIX + rb"(row|c|dimension|f)(?=[\s/>])(" + _BODY + rb")>([^<]*+)"
        rb"|\Z)",
        re.DOTALL,
    )


_ATTRIBUTE = re.compile(rb"""([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")

Place = tuple[int, int]


def a1(row: int, column: int) -> str:
    """Zero-based row and column as an Excel reference (0, 0 → A1); `position` reads it back."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def position(ref: str) -> Place | None:
    """`D40` → (39, 3), zero-based; None for what is not a cell of Excel's grid."""
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        return None
    column = 0
    for letter in match[1].upper():
        column = column * 26 + ord(letter) - 64
    row = int(match[2])
    if not (1 <= row <= 1_048_576 and column <= 16_384):
        return None
    return row - 1, column - 1


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for match in _ATTRIBUTE.finditer(raw):
        if match[1] in found:
            raise damaged("một thẻ XML có hai thuộc tính trùng tên")
        found[match[1]] = match[2] if match[2] is not None else match[3]
    return found


def _walk(
    xml: bytes, sheet: str, limits: Limits
) -> Iterator[tuple[bytes, Place, dict[bytes, bytes], bytes | None]]:
    """(tag, place, attributes, text or None when self-closing) for each dimension, cell and
    formula, cells placed as calamine places them; at most as many tags as the limits allow."""
    row = column = 0
    place = (0, 0)
    tags = 0
    at = 0
    while True:
        match = _lexer().match(xml, at)
        if match is None:
            raise damaged("một thẻ XML của trang tính không có dấu đóng")
        if match.end() == at == len(xml) or not (match[1] or match[2]):
            return
        at = match.end()
        tags += 1
        if tags > 3 * limits.max_cells + limits.max_rows:
            raise WorkbookError(
                f"Trang tính “{sheet}” có quá nhiều ô (hơn {limits.max_cells} ô) so với một biểu "
                "báo cáo; hãy xóa các dòng, cột thừa rồi gửi lại."
            )
        if match[1]:  # </row>
            row, column = row + 1, 0
            continue
        name, raw = match[2], match[3]
        attributes = _attributes(raw)
        if name == b"row":
            ref = attributes.get(b"r")
            if ref is not None:
                found = _ROW_REF.fullmatch(ref.decode("latin-1"))
                if found is None or not 1 <= int(found[1]) <= 1_048_576:
                    raise _bad_reference(sheet, ref)
                row = int(found[1]) - 1
            if raw.endswith(b"/"):
                row, column = row + 1, 0
            continue
        if name == b"c":
            ref = attributes.get(b"r")
            if ref is not None:
                found_place = position(ref.decode("latin-1"))
                if found_place is None:
                    raise _bad_reference(sheet, ref)
                column, place = found_place[1], found_place
            else:
                place = (row, column)
            column += 1
        yield name, place, attributes, None if raw.endswith(b"/") else match[4]


def bound_sheet(xml: bytes, sheet: str, limits: Limits) -> None:
    """The declared dimension and every cell that may hold a value within the limits."""
    if plain_extent(xml, limits) is None:
        walked_extent(xml, sheet, limits)


def walked_extent(xml: bytes, sheet: str, limits: Limits) -> Place:
    """The farthest row and column with a value, each tag placed by the walk."""
    last_row = last_column = -1
    for name, place, attributes, text in _walk(xml, sheet, limits):
        if name == b"dimension":
            _bound_dimension(attributes.get(b"ref", b""), sheet, limits)
        elif name == b"c" and text is not None:  # calamine keeps no value for a `<c/>`
            if place[0] >= limits.max_rows or place[1] >= limits.max_columns:
                raise _outside(sheet, place, limits)
            last_row, last_column = max(last_row, place[0]), max(last_column, place[1])
    cells = (last_row + 1) * (last_column + 1)
    if cells > limits.max_cells:
        raise WorkbookError(
            f"Trang tính “{sheet}” dùng vùng {last_row + 1} dòng × {last_column + 1} cột, quá "
            f"giới hạn {limits.max_cells} ô của biểu; hãy xóa các dòng, cột thừa rồi gửi lại."
        )
    return last_row, last_column


# The sheets Excel and the usual libraries write: each `<c>` and `<row>` has its `r` first, in
# double quotes; a cell's attributes are `name="value"` with no `<`, `>` or `/` in a value; no
# comment, CDATA, instruction or prefixed tag could hide or fake a tag. Every pattern here is
# possessive, so a search stays linear on any input.
_ATTRIBUTES = rb'(?:\s++[\w:.-]++="[^"<>/]*+")*+\s*+'
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"' + _ATTRIBUTES + rb"/?>")
_VALUED_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"' + _ATTRIBUTES + rb">")
_PLAIN_ROW = re.compile(rb'<row r="([0-9]{1,7})"')
_ANY_CELL = re.compile(rb"<c[\s/>]")
_ANY_ROW = re.compile(rb"<row[\s/>]")
_ANY_DIMENSION = re.compile(rb"<dimension[\s/>]")
_PLAIN_DIMENSION = re.compile(rb'<dimension ref="([^"]*+)"\s*+/>')
_UNUSUAL = re.compile(rb"<[!?]|<[A-Za-z_][\w.-]*+:(?:row|c|dimension|f)[\s/>]")
_ANY_R = re.compile(rb"""[\s"']r\s*+=""")


def plain_extent(xml: bytes, limits: Limits) -> Place | None:
    """The farthest row and column with a value, from a few searches in C rather than the walk
    (a third of the time `validate` spent on a workbook), for a plain sheet within every limit.
    None for any other sheet: the walk decides it, so whatever is refused, is refused by the
    walk, with its message. What this finds is never less than what the walk finds: every cell
    tag must match the plain pattern, and a second `r` anywhere makes the counts differ."""
    start = 0
    if xml.startswith(b"<?xml"):
        start = xml.find(b"?>") + 2
        if start == 1:  # a declaration never closed
            return None
    if (
        _UNUSUAL.search(xml, start)
        or xml.rfind(b"<") > xml.rfind(b">")  # cut short
        or xml.count(b'"') % 2  # a quote never closed
    ):
        return None
    cells = _PLAIN_CELL.findall(xml)
    rows = _PLAIN_ROW.findall(xml)
    dimensions = _PLAIN_DIMENSION.findall(xml)
    if (
        len(cells) != len(_ANY_CELL.findall(xml))
        or len(dimensions) != len(_ANY_DIMENSION.findall(xml))
        or len(_ANY_R.findall(xml)) != len(cells) + len(rows)  # no second `r` in a tag
    ):
        return None
    tags = len(cells) + len(dimensions) + xml.count(b"<f") + xml.count(b"</row")
    if tags + len(_ANY_ROW.findall(xml)) > 3 * limits.max_cells + limits.max_rows:
        return None  # as the walk counts its tags, or more
    # Sets first: a sheet has a few distinct rows and columns, and no loop runs per cell.
    letters, numbers = (set(found) for found in zip(*cells, strict=True)) if cells else ((), ())
    rows_used = {int(n) for n in set(rows).union(numbers)}
    if rows_used and not 1 <= min(rows_used) <= max(rows_used) <= 1_048_576:
        return None
    if letters and _column(max(letters, key=_column_order)) > 16_384:
        return None
    try:
        for ref in dimensions:
            _bound_dimension(ref, "", limits)
    except WorkbookError:
        return None
    last_row = last_column = -1
    valued = _VALUED_CELL.findall(xml)  # not a `<c/>`: calamine keeps no value for one
    if valued:
        letters, numbers = (set(found) for found in zip(*valued, strict=True))
        last_row = max(map(int, numbers)) - 1
        last_column = _column(max(letters, key=_column_order)) - 1
    if last_row >= limits.max_rows or last_column >= limits.max_columns:
        return None
    if (last_row + 1) * (last_column + 1) > limits.max_cells:
        return None
    return last_row, last_column


def _column_order(letters: bytes) -> tuple[int, bytes]:
    return len(letters), letters


def _column(letters: bytes) -> int:
    """`A` → 1, `XFD` → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def formulas(xml: bytes, sheet: str, limits: Limits) -> dict[Place, str]:
    """Every cell's formula (`=SUM(D6:D8)`); a shared formula's followers get the leader's
    formula moved to their place."""
    from html import unescape  # noqa: PLC0415  (its entity table: only for unsaved formulas)

    found: dict[Place, str] = {}
    leaders: dict[bytes, tuple[str, Place]] = {}
    for name, place, attributes, text in _walk(xml, sheet, limits):
        if name != b"f":
            continue
        formula = unescape((text or b"").decode("utf-8", "replace"))
        shared = attributes.get(b"si")
        if formula and shared is not None and attributes.get(b"t") == b"shared":
            leaders[shared] = (formula, place)
        elif not formula and shared in leaders:
            formula = _moved(*leaders[shared], place)
        if formula:
            found[place] = "=" + formula
    return found


def _moved(formula: str, origin: Place, place: Place) -> str:
    """A shared formula as it reads in another cell (relative references move with it)."""
    try:
        from openpyxl.formula.translate import Translator  # noqa: PLC0415

        moved: str = Translator("=" + formula, a1(*origin)).translate_formula(a1(*place))
    except Exception:  # a formula openpyxl cannot move is shown as its leader's
        return formula
    return moved[1:]


@lru_cache(maxsize=4)  # asked by the reading of the cells and of their formats, same bytes
def sheet_paths(workbook: bytes, relationships: bytes) -> dict[str, list[str]]:
    """Sheet name → the parts it may be read from, resolved as calamine resolves them (a target
    under `/xl/` or `xl/` as is, any other under `xl/`), calamine's choice first. A name given
    twice, or an id with two targets, gives every candidate: each one is bounded."""
    from xml.parsers import expat  # noqa: PLC0415

    sheets: list[tuple[str, list[str]]] = []
    targets: dict[str, list[str]] = {}

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "sheet":
            ids = [v for k, v in attributes.items() if k in ("r:id", "relationships:id")]
            sheets.append((attributes.get("name", ""), ids))
        elif local == "Relationship":
            targets.setdefault(attributes.get("Id", ""), []).append(attributes.get("Target", ""))

    for xml in (workbook, relationships):
        parser = expat.ParserCreate()
        parser.StartElementHandler = start
        try:
            parser.Parse(xml, True)
        except expat.ExpatError:
            return {}
    paths: dict[str, list[str]] = {}
    for name, ids in sheets:  # calamine takes a name's first sheet, an id's last target
        for rel in reversed(ids):
            for target in reversed(targets.get(rel, [])):
                path = target[1:] if target.startswith("/xl/") else target
                paths.setdefault(name, []).append(path if path.startswith("xl/") else f"xl/{path}")
    return paths


def _bound_dimension(ref: bytes, sheet: str, limits: Limits) -> None:
    text = ref.decode("latin-1")
    ends = [position(corner) for corner in text.split(":")]
    corners = [end for end in ends if end is not None]
    if not text or len(ends) > 2 or len(corners) != len(ends):
        raise _bad_reference(sheet, ref)
    row, column = max(c[0] for c in corners), max(c[1] for c in corners)
    if row >= limits.max_rows or column >= limits.max_columns:
        raise WorkbookError(
            f"Trang tính “{sheet}” khai báo vùng dữ liệu {shown(text)} ({row + 1} dòng, "
            f"{column + 1} cột), quá giới hạn {limits.max_rows} dòng × {limits.max_columns} cột "
            "của biểu; hãy xóa các dòng, cột thừa (cả định dạng) rồi lưu lại bằng Excel."
        )


def _outside(sheet: str, place: Place, limits: Limits) -> WorkbookError:
    return WorkbookError(
        f"Trang tính “{sheet}” có ô {a1(*place)} ở dòng {place[0] + 1}, cột {place[1] + 1}, ngoài "
        f"giới hạn {limits.max_rows} dòng × {limits.max_columns} cột của biểu; hãy xóa các "
        "dòng, cột thừa rồi gửi lại."
    )


def _bad_reference(sheet: str, ref: bytes) -> WorkbookError:
    return WorkbookError(
        f"Trang tính “{sheet}” có tham chiếu ô “{shown(ref[:20].decode('latin-1'))}” không hợp "
        f"lệ (tệp bị hỏng hoặc bị sửa bằng công cụ khác); {RESAVE}."
    )
