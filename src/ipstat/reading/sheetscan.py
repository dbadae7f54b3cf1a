"""One reading of a sheet's XML, as python-calamine will read it, before calamine is asked for it.

calamine turns a sheet into a dense table from A1 to its farthest cell with a value: one cell at
XFD1048576 asks for 512 GiB. It finds cells the way quick-xml tokenizes, by their local name
whatever the prefix (`<c>`, `<x:c>`, `<é:c>`), only inside `sheetData`, each placed by its own
`r` attribute (the exact key `r`; `x:r` is not one) or after the previous cell, rows by their `r`
or after the previous row; a cell with no child element holds no value. This pass walks the sheet
once, with expat and the same rules, and refuses what would reach past `schemas/form.toml`'s
limits; the same pass keeps what calamine does not say about a cell: its formula (for a value
never saved), its error value (`#DIV/0!`), and its style (a format or font that misleads).

The declared `dimension` is checked for form only: calamine reserves room by it only below
100,000 cells, so a dimension larger than the cells is read by its cells. XML that is not
well-formed is refused, never guessed; there is no DTD, entity or external reference (the
parser refuses them as defusedxml's parsers do).
"""

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from ipstat.base.errors import WorkbookError
from ipstat.contract.catalogue import Limits
from ipstat.reading.container import RESAVE, damaged, shown

Place = tuple[int, int]
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's grid
# The error values python-calamine knows; any other makes it refuse the whole sheet, so the
# copy calamine reads has it written as `#N/A` (the finding names the real one).
CALAMINE_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
_CELL_REF = re.compile(r"([A-Za-z]+)([0-9]+)")
# References seen in earlier sheets, placed: every form has the same few hundred.
_PLACES: dict[str, tuple[int, int]] = {}
PLACES_KEPT = 20_000
_ROW_REF = re.compile(r"[A-Za-z]*([0-9]+)")
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*>""")


def a1(row: int, column: int) -> str:
    """Zero-based row and column as an Excel reference (0, 0 → A1); `position` reads it back."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def position(ref: str) -> Place | None:
    """`D40` → (39, 3), zero-based, as calamine reads a reference (letters in either case);
    None for what is not a cell of Excel's grid."""
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        return None
    column = _column(match[1])
    row = int(match[2])
    if not (1 <= row <= MAX_ROW and column <= MAX_COLUMN):
        return None
    return row - 1, column - 1


def _refuse_dtd(name: str, *_: object) -> None:
    raise DTDForbidden(name, None, None)


def _refuse_entity(name: str, *_: object) -> None:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _refuse_external(context: str, *_: object) -> int:
    raise ExternalReferenceForbidden(context, None, None, None)


def xml_parser() -> Any:
    """An expat parser hardened as defusedxml hardens its own (its exceptions; its SAX layer
    would double the cost of each element). No namespace processing: names keep their prefix,
    and are matched by their local part, as calamine matches them."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    parser.buffer_text = True
    return parser


def parse(parser: Any, data: bytes, what: str) -> None:
    """Feed `data` to a parser from `xml_parser`; any failure is a `WorkbookError` saying what
    is wrong with `what` in Vietnamese (expat's and defusedxml's messages are English)."""
    try:
        parser.Parse(data, True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise WorkbookError(
            "Tệp chứa khai báo DTD/thực thể XML, là dấu hiệu tệp bị sửa bằng công cụ khác hoặc "
            f"độc hại; {RESAVE}."
        ) from exc
    except expat.ExpatError as exc:
        raise damaged(f"{what}: {_expat_reason(exc)}") from exc


_EXPAT_REASONS = {  # expat's messages by error, in Vietnamese
    expat.errors.XML_ERROR_UNDEFINED_ENTITY: "có ký hiệu thực thể XML (dạng &…;) không hợp lệ",
    expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE: "một thẻ XML có hai thuộc tính trùng tên",
    expat.errors.XML_ERROR_NO_ELEMENTS: "XML rỗng",
}


def _expat_reason(exc: expat.ExpatError) -> str:
    reason = _EXPAT_REASONS.get(expat.errors.messages.get(exc.code, ""), "XML sai")
    return f"{reason}, dòng {exc.lineno}"


def local(name: str) -> str:
    """quick-xml's local name: what follows the first colon (`x:c` → `c`, `é:row` → `row`)."""
    return name[name.find(":") + 1 :]


@dataclass
class SheetScan:
    """What one pass over a sheet found."""

    extent: Place = (-1, -1)  # the farthest row and column that may hold a value
    # Each cell's formula (`SUM(D6:D8)`) and the cell it was written in: a shared formula's
    # followers have their leader's, which `formula` moves to them.
    formulas: dict[Place, tuple[str, Place]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # A1 → the error value, as Excel shows
    # Where the `<v>` of each error value calamine does not know starts, and its end tag.
    unknown_errors: list[tuple[int, int]] = field(default_factory=list)
    styles: dict[str, int] = field(default_factory=dict)  # A1 → style index, the ones asked for
    merges: list[tuple[Place, Place]] = field(default_factory=list)  # merged ranges, corners

    def formula(self, cell: str) -> str | None:
        """The formula in a cell (`=SUM(D6:D8)`), if it has one."""
        place = position(cell)
        found = self.formulas.get(place) if place else None
        if found is None:
            return None
        text, origin = found
        return "=" + (text if origin == place else _moved(text, origin, place))  # type: ignore[arg-type]

    def readable(self, xml: bytes) -> bytes:
        """The sheet as calamine can read it: each error value it does not know as `#N/A`."""
        out, at = [], 0
        for start, end in self.unknown_errors:
            tag = _START_TAG.match(xml, start)
            if tag is None or tag.end() > end:
                continue
            out += [xml[at : tag.end()], b"#N/A"]
            at = end
        return b"".join([*out, xml[at:]])


def _moved(formula: str, origin: Place, place: Place) -> str:
    """A shared formula as it reads in another cell (relative references move with it)."""
    try:
        from openpyxl.formula.translate import Translator  # noqa: PLC0415

        moved: str = Translator("=" + formula, a1(*origin)).translate_formula(a1(*place))
    except Exception:  # a formula openpyxl cannot move is shown as its leader's
        return formula
    return moved[1:]


def scan_sheet(  # noqa: PLR0915  (one state machine, its handlers side by side)
    xml: bytes, sheet: str, limits: Limits, styles: Collection[int] = ()
) -> SheetScan:
    """Bound the sheet and keep its formulas, error values and the cells of `styles`; a sheet
    calamine would read past the limits is a `WorkbookError`, before calamine reads it.

    One function of closures over its state: expat calls them for every tag, and a sheet has
    thousands (a third of the time of `validate` was this pass, before it was made so)."""
    scan = SheetScan()
    wanted = {str(style) for style in styles}
    parser = xml_parser()
    max_rows, max_columns = limits.max_rows, limits.max_columns
    last_row = last_column = -1  # the extent so far
    leaders: dict[str, tuple[str, Place]] = {}  # shared formulas, by `si`
    tags_left = 3 * limits.max_cells + limits.max_rows
    in_data = False  # inside sheetData: before it only `dimension` counts, after it nothing
    row = column = 0  # where a cell without `r` goes
    # The cell being read: calamine reads its whole element, children and all, as its value.
    place = (0, 0)
    depth = 0  # elements open inside it
    filled = False  # with no child element, calamine keeps no value for it
    style = "0"
    error: list[str] | None = None  # the text of its `<v>`, for an error value
    error_start = -1  # where that `<v>` starts
    formula: list[str] | None = None
    shared: tuple[str, bool] | None = None  # si, and whether it leads
    capturing = False  # the text of a formula or an error value goes to its list
    merging = 0  # the first `mergeCells`: not met yet, being read, read

    def cell_place(ref: str) -> Place:
        found = _PLACES.get(ref)
        if found is None:
            found = position(ref)
            if found is None:
                raise _bad_reference(sheet, ref)
            if len(_PLACES) < PLACES_KEPT:
                _PLACES[ref] = found
        return found

    def too_many() -> WorkbookError:
        return WorkbookError(
            f"Trang tính “{sheet}” có quá nhiều ô (hơn {limits.max_cells} ô) so với một "
            "biểu báo cáo; hãy xóa các dòng, cột thừa rồi gửi lại."
        )

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal in_data, row, column, place, depth, filled, style, error, error_start
        nonlocal formula, shared, tags_left, capturing
        what = local(name) if ":" in name else name
        if not in_data:
            if what == "sheetData":
                in_data = True
            elif what == "dimension":  # calamine refuses one without a proper reference
                declared = attributes.get("ref") or ""
                corners = declared.split(":")
                for corner in corners if len(corners) < 3 else [declared, "!"]:
                    cell_place(corner)
            else:
                merge_start(what, attributes)
        elif what == "c":
            tags_left -= 1  # counted, so that a sheet of millions of empty tags stops early
            if tags_left < 0:
                raise too_many()
            ref = attributes.get("r")
            if ref is None:
                place = (row, column)
            else:  # it sets the column; the next row follows the row's reference, not its
                place = cell_place(ref)
                column = place[1]
            depth, filled = 0, False
            style = attributes.get("s") or "0"  # Excel leaves out the default style
            error = [] if attributes.get("t") == "e" else None
            error_start, formula, shared, capturing = -1, None, None, False
            parser.StartElementHandler, parser.EndElementHandler = child, child_end
        elif what == "row":
            tags_left -= 1
            if tags_left < 0:
                raise too_many()
            ref = attributes.get("r")
            if ref is not None:
                found = _ROW_REF.fullmatch(ref)
                if found is None or not 1 <= int(found[1]) <= MAX_ROW:
                    raise _bad_reference(sheet, ref)
                row = int(found[1]) - 1
        else:
            merge_start(what, attributes)

    def end(name: str) -> None:
        nonlocal row, column
        what = local(name) if ":" in name else name
        if what == "row":
            row, column = row + 1, 0
        elif what == "sheetData":  # calamine reads no cell after the first end of sheetData
            parser.StartElementHandler, parser.EndElementHandler = after_data, after_data_end
        else:
            merge_end(what)

    def after_data(name: str, attributes: dict[str, str]) -> None:
        nonlocal tags_left
        tags_left -= 1
        if tags_left < 0:
            raise too_many()
        merge_start(local(name) if ":" in name else name, attributes)

    def after_data_end(name: str) -> None:
        merge_end(local(name) if ":" in name else name)

    def merge_start(what: str, attributes: dict[str, str]) -> None:
        """Merged ranges, as calamine reads them: the `mergeCell`s of the first `mergeCells`,
        wherever it stands; a reference it cannot read refuses the sheet, as calamine does."""
        nonlocal merging
        if what == "mergeCells" and merging == 0:
            merging = 1
        elif what == "mergeCell" and merging == 1:
            ref = attributes.get("ref")
            if ref is not None:
                first, _, last = ref.partition(":")
                scan.merges.append((cell_place(first), cell_place(last or first)))

    def merge_end(what: str) -> None:
        nonlocal merging
        if what == "mergeCells" and merging == 1:
            merging = 2

    def child(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, filled, error_start, formula, shared, capturing
        depth += 1
        if depth > 1:
            return
        filled = True
        what = local(name) if ":" in name else name
        if what == "f" and formula is None:
            formula, capturing = [], True
            parser.CharacterDataHandler = formula.append
            si = attributes.get("si")
            if si is not None and attributes.get("t") == "shared":
                shared = (si, "ref" in attributes)
        elif what == "v" and error is not None and error_start < 0:
            error_start, capturing = parser.CurrentByteIndex, True
            parser.CharacterDataHandler = error.append

    def child_end(name: str) -> None:
        nonlocal depth, column, last_row, last_column, capturing
        if depth:
            depth -= 1
            if depth == 0 and capturing:
                parser.CharacterDataHandler, capturing = None, False
                if error is not None and error_start >= 0 and local(name) == "v":
                    error_value(parser.CurrentByteIndex)
            return
        parser.StartElementHandler, parser.EndElementHandler = start, end
        column += 1
        if not filled:
            return
        row_at, column_at = place
        if row_at >= max_rows or column_at >= max_columns:
            raise outside()
        last_row = max(last_row, row_at)
        last_column = max(last_column, column_at)
        if error is not None or formula is not None or style in wanted:
            keep()

    def error_value(end: int) -> None:
        """calamine refuses the whole sheet for an error value it does not know: its span is
        kept, for a copy that reads `#N/A` there."""
        nonlocal error
        raw = "".join(error or ())
        if raw and raw not in CALAMINE_ERRORS:
            scan.unknown_errors.append((error_start, end))
        error = [raw]

    def outside() -> WorkbookError:
        row_at, column_at = place
        return WorkbookError(
            f"Trang tính “{sheet}” có ô {a1(row_at, column_at)} ở dòng {row_at + 1}, cột "
            f"{column_at + 1}, ngoài giới hạn {max_rows} dòng × {max_columns} cột của biểu; hãy "
            "xóa các dòng, cột thừa rồi gửi lại."
        )

    def keep() -> None:
        """What a cell has beside its value: its error value, its style, its formula."""
        if error is not None and error_start >= 0:
            scan.errors[a1(*place)] = "".join(error).strip()
        if style in wanted:
            scan.styles[a1(*place)] = int(style)
        if formula is not None:
            keep_formula("".join(formula))

    def keep_formula(text: str) -> None:
        found = (text, place)
        if shared is not None:
            si, leads = shared
            if text and leads:
                leaders[si] = found
            elif not text and si in leaders:
                found = leaders[si]
        if found[0]:
            scan.formulas[place] = found

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parse(parser, xml, f"trang tính “{shown(sheet)}”")
    scan.extent = (last_row, last_column)
    rows, columns_used = last_row + 1, last_column + 1
    if rows * columns_used > limits.max_cells:
        raise WorkbookError(
            f"Trang tính “{sheet}” dùng vùng {rows} dòng × {columns_used} cột, quá giới hạn "
            f"{limits.max_cells} ô của biểu; hãy xóa các dòng, cột thừa rồi gửi lại."
        )
    return scan


def _column(letters: str) -> int:
    """`A` → 1, `xfd` → 16384 (calamine reads letters in either case)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _bad_reference(sheet: str, ref: str) -> WorkbookError:
    return WorkbookError(
        f"Trang tính “{sheet}” có tham chiếu ô “{shown(ref[:20])}” không hợp lệ (tệp bị hỏng "
        f"hoặc bị sửa bằng công cụ khác); {RESAVE}."
    )


def walk(xml: bytes, what: str, start: Callable[[str, dict[str, str]], None]) -> None:
    """Every start tag of a part to `start` (its name with its prefix, and its attributes)."""
    parser = xml_parser()
    parser.StartElementHandler = start
    parse(parser, xml, what)
