"""A workbook becomes located values: each figure with its sheet, A1 cell, raw and parsed value.

Everything wrong with the layout or a single value is a finding here; rules between values
are `rules.py`'s.
"""

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ipstat.contract.model import FIRST_YEAR, LAST_YEAR, Contract, Indicator, SheetSpec
from ipstat.contract.textnorm import fold
from ipstat.errors import WorkbookError
from ipstat.reading.excel_errors import error_meaning
from ipstat.reading.findings import Finding
from ipstat.reading.formatting import format_exact, format_number
from ipstat.reading.legacy_text import NAMES as ENCODING_NAMES
from ipstat.reading.legacy_text import convert, font_encoding, is_upper_font, looks_legacy
from ipstat.reading.legacy_text import guess as guess_encoding
from ipstat.reading.members import closest_member, former_member, is_exact_name, match_member
from ipstat.reading.numbers import (
    SHOWN_DIGITS,
    NotANumber,
    decimal_from_float,
    is_whole,
    parse_vi_number,
    significant_digits,
)
from ipstat.reading.own import ANNOTATED_ACTION, ANNOTATED_REASON, OwnOutputError, is_annotated
from ipstat.reading.sheetscan import Place, SheetScan, a1, position
from ipstat.reading.styles import NumberFormat
from ipstat.reading.visible import visible
from ipstat.reading.workbook import Cell, RawWorkbook, open_workbook

if TYPE_CHECKING:
    from ipstat.contract.scoring import ScoringTable


@dataclass(frozen=True)
class Figure:
    """One indicator's value, in the catalogue's unit, and where it came from."""

    code: str
    value: Decimal
    sheet: str
    cell: str
    raw: Cell


@dataclass
class Submission:
    path: Path
    sha256: str = ""  # of the bytes that were read and checked
    member: str | None = None
    year: int | None = None
    info: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)  # a registration: its plans
    kind: Literal["yearly", "registration"] = "yearly"
    self_scores: dict[str, Figure] = field(default_factory=dict)  # criterion code → points

    def values(self) -> dict[str, Decimal]:
        return {code: f.value for code, f in self.figures.items()}


@dataclass(frozen=True)
class Table:
    sheet: str
    header_row: int
    columns: dict[str, int]
    rows: list[list[Cell]]
    book: RawWorkbook

    @property
    def scan(self) -> SheetScan:
        return self.book.scan(self.sheet)

    def number_format(self, cell: str) -> NumberFormat | None:
        style = self.scan.styles.get(cell)
        return None if style is None else self.book.styles.formats.get(style)

    def cell(self, row: int, role: str) -> Cell:
        column = self.columns.get(role)
        cells = self.rows[row]
        return cells[column] if column is not None and column < len(cells) else ""

    def ref(self, row: int, role: str) -> str:
        return a1(row, self.columns[role])


class Reading:
    """Collects the findings of one workbook as it is read."""

    def __init__(self, path: Path, contract: Contract) -> None:
        self.path = path
        self.contract = contract
        self.findings: list[Finding] = []
        self.submission = Submission(path)

    def add(
        self,
        rule: str,
        message: str,
        sheet: str | None = None,
        cell: str | None = None,
        code: str | None = None,
    ) -> None:
        prefix = f"Ô {cell} ({code}): " if cell and code else f"Ô {cell}: " if cell else ""
        self.findings.append(
            Finding(
                file=str(self.path),
                rule=rule,
                severity=self.contract.severity(rule),
                message=prefix + message,
                sheet=sheet,
                cell=cell,
                code=code,
            )
        )


def read_submission(
    path: Path, contract: Contract, scoring: "ScoringTable | None" = None
) -> tuple[Submission | None, list[Finding]]:
    """Read one workbook. The submission is None when the file could not be read at all;
    `OwnOutputError` when it is an annotated copy ipstat wrote.
    A workbook with a registration sheet is a registration (emulation-scoring.md §1); with
    a scoring table, a yearly workbook's self-scoring sheet is read too."""
    from ipstat.reading import emulation  # noqa: PLC0415  (it builds on this module)

    reading = Reading(path, contract)
    try:
        book = open_workbook(path, contract.form.limits)
        if is_annotated(book.sheet_names):
            raise OwnOutputError(ANNOTATED_REASON, ANNOTATED_ACTION)
        reading.submission.sha256 = hashlib.sha256(book.content).hexdigest()
        form = contract.form
        if emulation.is_registration(book, contract):
            emulation.read_registration(book, reading, scoring)
            return reading.submission, reading.findings
        tables = [read_table(book, spec, reading) for spec in (form.info_sheet, form.figures_sheet)]
    except WorkbookError as exc:
        reading.findings.clear()  # what was found before the file proved unreadable is moot
        reading.add("unreadable-file", str(exc))
        return None, reading.findings
    info, figures = tables
    if info is not None:
        read_info(info, reading)
    if figures is not None:
        read_figures(figures, reading)
    if scoring is not None:
        try:
            emulation.read_self_scores(book, reading, scoring)
        except WorkbookError as exc:
            reading.add("unreadable-file", str(exc))
    return reading.submission, reading.findings


def read_table(book: RawWorkbook, spec: SheetSpec, reading: Reading) -> Table | None:
    wanted = fold(spec.name)
    candidates = [n for n in book.sheet_names if fold(n) == wanted]
    if len(candidates) > 1:
        hidden = book.hidden_sheets()
        named = " và ".join(f"“{n}”" + (" (đang ẩn)" if n in hidden else "") for n in candidates)
        reading.add(
            "ambiguous-sheet",
            f"Có {len(candidates)} trang tính cùng là “{spec.name}”: {named}; không biết đọc "
            f"trang nào, hãy xóa hoặc đổi tên để chỉ còn một trang “{spec.name}”.",
            sheet=spec.name,
        )
        return None
    if not candidates:
        found = ", ".join(f"“{n}”" for n in book.sheet_names) or "không có"
        reading.add(
            "missing-sheet",
            f"Không tìm thấy trang tính “{spec.name}” (các trang hiện có: {found}); "
            f"hãy dùng đúng biểu mẫu hoặc đổi tên trang tính thành “{spec.name}”.",
            sheet=spec.name,
        )
        return None
    name = candidates[0]
    rows = book.rows(name)
    _decode_legacy(rows, _legacy_fonts(book, name), name, reading)
    limit = reading.contract.form.header_search_rows
    titles = {fold(title): role for role, title in spec.columns.items()}
    for index, row in enumerate(rows[:limit]):
        by_role: dict[str, list[int]] = {}
        for column, value in enumerate(row):
            role = titles.get(fold(value)) if isinstance(value, str) else None
            if role is not None:
                by_role.setdefault(role, []).append(column)
        if spec.required_columns.keys() <= by_role.keys():
            twice = {role: cols for role, cols in by_role.items() if len(cols) > 1}
            for role, cols in twice.items():
                cells = " và ".join(a1(index, c) for c in cols)
                reading.add(
                    "ambiguous-column",
                    f"Dòng tiêu đề có {len(cols)} cột “{spec.columns[role]}” (ô {cells}); không "
                    "biết đọc cột nào, hãy xóa hoặc đổi tên để chỉ còn một cột.",
                    sheet=name,
                    cell=a1(index, cols[0]),
                )
            if twice:
                return None
            columns = {role: cols[0] for role, cols in by_role.items()}
            return Table(name, index, columns, rows, book)
    needed = ", ".join(f"“{t}”" for t in spec.required_columns.values())
    reading.add(
        "missing-header",
        f"Không tìm thấy dòng tiêu đề có các cột {needed} trong {limit} dòng đầu của trang "
        f"“{name}”; hãy giữ nguyên dòng tiêu đề của biểu mẫu.",
        sheet=name,
    )
    return None


def _legacy_fonts(book: RawWorkbook, name: str) -> dict[Place, str] | None:
    """The cells set in a TCVN3 or VNI font; None when the format's fonts are not read (`.ods`,
    where the text itself is judged)."""
    if book.kind == "ods":
        return None
    if book.kind == "xls":
        return book.legacy_fonts.get(name, {})
    fonts = book.styles.fonts
    return {
        place: fonts[style]
        for ref, style in book.scan(name).styles.items()
        if style in fonts and (place := position(ref)) is not None
    }


def _decode_legacy(
    rows: list[list[Cell]], fonts: dict[Place, str] | None, sheet: str, reading: Reading
) -> None:
    """Text typed in a TCVN3 or VNI font becomes Unicode before anything reads them (names,
    codes, labels, units, text numbers), each cell with a warning showing both texts. A cell
    is judged with the rest of its sheet: where one cell in that font can only be legacy text,
    every cell in it is (a sheet typed in TCVN3 has `Néi dung` beside `Hµ Nam`)."""
    if fonts == {}:
        return
    cells = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and not value.isascii():
                font = fonts.get((r, c)) if fonts is not None else None
                encoding = font_encoding(font) if fonts is not None else guess_encoding(value)
                if encoding is not None:
                    cells.append((r, c, value, font, encoding))
    sure = {e for _, _, value, _, e in cells if fonts is not None and looks_legacy(value, e)}
    for r, c, value, font, encoding in cells:
        converted = convert(value, encoding, is_upper_font(font), sure=encoding in sure)
        if converted is None:
            continue
        rows[r][c] = converted
        reading.add(
            "legacy-encoding",
            f"chữ mã {ENCODING_NAMES[encoding]} “{value}” đã đọc là “{converted}”; "
            "hãy chọn lại phông chữ Unicode (ví dụ Times New Roman) cho ô này rồi gửi lại.",
            sheet=sheet,
            cell=a1(r, c),
        )


def coded_rows(table: Table) -> list[tuple[int, str]]:
    coded = []
    for index in range(table.header_row + 1, len(table.rows)):
        code = table.cell(index, "code")
        text = str(code).strip() if code is not None else ""
        if text:
            coded.append((index, text))
    return coded


def read_info(table: Table, reading: Reading) -> None:
    form = reading.contract.form
    fields = {f.code: f for f in form.info_fields}
    seen: dict[str, list[int]] = {}
    for index, code in coded_rows(table):
        key = code.casefold()
        if key in fields:
            seen.setdefault(key, []).append(index)
    for code, spec in fields.items():
        rows = seen.get(code, [])
        if len(rows) > 1:
            cells = " và ".join(table.ref(r, "code") for r in rows)
            reading.add(
                "duplicate-info",
                f"Mã {code} (“{spec.label}”) được ghi {len(rows)} lần (ô {cells}); không biết "
                "đọc dòng nào, hãy xóa để chỉ còn một dòng.",
                sheet=table.sheet,
                cell=table.ref(rows[0], "code"),
                code=code,
            )
            continue
        found = rows[0] if rows else None
        raw = table.cell(found, "value") if found is not None else ""
        text = cell_text(raw)
        if not text and found is not None and _error_value(table, found, reading, code):
            continue
        if not text:
            if spec.required:
                where = table.ref(found, "value") if found is not None else None
                reading.add(
                    "missing-info",
                    f"Chưa điền “{spec.label}” (mã {code}) ở trang “{table.sheet}”; "
                    "hãy điền vào cột “Giá trị”.",
                    sheet=table.sheet,
                    cell=where,
                    code=code,
                )
            continue
        assert found is not None
        reading.submission.info[code] = text
        cell = table.ref(found, "value")
        if spec.max_length is not None:
            _check_name(text, spec.label, spec.max_length, (table.sheet, cell, code), reading)
        if spec.kind == "member":
            _read_member(text, table.sheet, cell, reading)
        elif spec.kind == "year":
            _read_year(raw, text, table.sheet, cell, reading)


def _error_value(table: Table, row: int, reading: Reading, code: str) -> bool:
    """An empty-looking value cell that holds an Excel error value: say which, as Excel shows it."""
    cell = table.ref(row, "value")
    error = table.scan.errors.get(cell)
    if error is None:
        return False
    reading.add(
        "error-value",
        f"ô hiển thị lỗi {error or '#?'} ({error_meaning(error)}), không có giá trị; hãy sửa "
        "công thức hoặc nhập số liệu.",
        sheet=table.sheet,
        cell=cell,
        code=code,
    )
    return True


def cell_text(raw: Cell) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime | dt.date):
        return raw.strftime("%d/%m/%Y")
    return str(raw).strip()


_MARKUP = frozenset("<>[]{}|*#`_~\\")


def _check_name(
    text: str, label: str, limit: int, where: tuple[str, str, str], reading: Reading
) -> None:
    """A name the bloc's documents print: printed literally in any case (never as markup),
    but a line break, a markup character or a paragraph is usually a slip worth a look."""
    odd = [f"dài {len(text)} ký tự (tối đa {limit})"] if len(text) > limit else []
    if any(c in "\r\n\u2028\u2029" for c in text):
        odd.append("có xuống dòng")
    marks = sorted({c for c in text if c in _MARKUP or not c.isprintable()} - set("\r\n"))
    if marks:
        odd.append("có ký tự " + ", ".join(f"“{visible(c, keep='')}”" for c in marks))
    if odd:
        sheet, cell, code = where
        reading.add(
            "unusual-name",
            f"“{label}” {'; '.join(odd)}; ô này được in trong văn bản của Khối, hãy chỉ ghi tên "
            "đơn vị trên một dòng (vd. “Ban Quản lý các KCN tỉnh Hà Nam”).",
            sheet=sheet,
            cell=cell,
            code=code,
        )


def _read_member(text: str, sheet: str, cell: str, reading: Reading) -> None:
    contract = reading.contract
    member = match_member(text, contract.bloc, contract.form.member_prefixes)
    if member is not None:
        reading.submission.member = member.name
        if not is_exact_name(text, member):
            reading.add(
                "member-read-as",
                f"“{text}” được đọc là “{member.name}”.",
                sheet=sheet,
                cell=cell,
                code="tinh",
            )
        return
    merged = former_member(text, contract.bloc, contract.form.member_prefixes)
    if merged is not None:
        old, merged_into = merged
        hint = f" {old} nay thuộc {merged_into}: hãy ghi “{merged_into}”."
    else:
        guess = closest_member(text, contract.bloc, contract.form.member_prefixes)
        hint = f" Có phải là “{guess}”?" if guess else ""
    members = ", ".join(contract.bloc.names)
    reading.add(
        "unknown-member",
        f"“{text}” không phải là thành viên của {contract.bloc.name}.{hint} "
        f"Các thành viên: {members}.",
        sheet=sheet,
        cell=cell,
        code="tinh",
    )


def _read_year(raw: Cell, text: str, sheet: str, cell: str, reading: Reading) -> None:
    plain_digits = text.isascii() and text.isdigit()  # not `²⁰¹⁶`, `٢٠١٦` or `２０１６`
    year = int(text) if plain_digits and not isinstance(raw, bool) else None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        reading.add(
            "invalid-year",
            f"Năm báo cáo “{text}” không hợp lệ; hãy ghi năm báo cáo bằng bốn chữ số "
            f"(từ {FIRST_YEAR} đến {LAST_YEAR}).",
            sheet=sheet,
            cell=cell,
            code="nam",
        )
        return
    reading.submission.year = year
    bloc = reading.contract.bloc
    if bloc.last_year is not None and year > bloc.last_year:
        instead, limit = bloc.replaced_by, f"đến năm {bloc.last_year}"
    elif bloc.first_year is not None and year < bloc.first_year:
        instead, limit = bloc.replaces, f"từ năm {bloc.first_year}"
    else:
        return
    hint = f"; hãy chạy lại với --bloc {instead}" if instead else ""
    reading.add(
        "year-outside-bloc",
        f"Năm báo cáo {year} nằm ngoài thời gian của bộ thành viên “{bloc.id}” ({limit}){hint}.",
        sheet=sheet,
        cell=cell,
        code="nam",
    )


def read_figures(table: Table, reading: Reading, require_all: bool = True) -> dict[str, int]:
    """The indicators' rows, each read once; returns the row of each code found."""
    catalogue = reading.contract.form.by_code
    first_row: dict[str, int] = {}
    for index, code in coded_rows(table):
        code_cell = table.ref(index, "code")
        indicator = catalogue.get(code) or catalogue.get(code.casefold())
        if indicator is None:
            reading.add(
                "unknown-code",
                f"Mã “{code}” không có trong danh mục chỉ tiêu nên bị bỏ qua; "
                "hãy kiểm tra lại mã hoặc xóa dòng này.",
                sheet=table.sheet,
                cell=code_cell,
            )
            continue
        if indicator.code in first_row:
            reading.add(
                "duplicate-code",
                f"Chỉ tiêu đã có ở dòng {first_row[indicator.code] + 1}; mỗi mã chỉ được ghi "
                "một lần, hãy xóa một trong hai dòng.",
                sheet=table.sheet,
                cell=code_cell,
                code=indicator.code,
            )
            reading.submission.figures.pop(indicator.code, None)
            continue
        first_row[indicator.code] = index
        figure = _ValueCell(table, index, indicator, reading).read()
        if figure is not None:
            reading.submission.figures[indicator.code] = figure
    for indicator in reading.contract.form.indicators if require_all else ():
        if indicator.code not in first_row:
            reading.add(
                "missing-value",
                f"Thiếu dòng chỉ tiêu “{indicator.label}” ({indicator.unit}); hãy thêm dòng có "
                f"mã {indicator.code} vào trang “{table.sheet}”.",
                sheet=table.sheet,
                code=indicator.code,
            )
    return first_row


@dataclass
class _ValueCell:
    """The value cell of one indicator's row, read with its unit."""

    table: Table
    row: int
    indicator: Indicator
    reading: Reading

    @property
    def cell(self) -> str:
        return self.table.ref(self.row, "value")

    def add(self, rule: str, message: str) -> None:
        self.reading.add(
            rule, message, sheet=self.table.sheet, cell=self.cell, code=self.indicator.code
        )

    def read(self) -> Figure | None:
        raw = self.table.cell(self.row, "value")
        value = self.number(raw)
        if value is not None:
            value = self.within_bounds(value)
        if value is not None and isinstance(raw, float | int):
            self.shown_otherwise(value)
        if value is not None:
            value = self.convert_unit(value)
        if value is None:
            return None
        if value < 0:
            self.add("negative-value", f"giá trị âm {format_exact(value)}; hãy nhập số ≥ 0.")
            return None
        indicator = self.indicator
        if indicator.is_count and not is_whole(value):
            self.add(
                "fractional-count",
                f"“{indicator.label}” là số đếm ({indicator.unit}) nhưng ô ghi "
                f"{format_exact(value)}; hãy nhập số nguyên.",
            )
            return None
        return Figure(indicator.code, value, self.table.sheet, self.cell, raw)

    def number(self, raw: Cell) -> Decimal | None:
        unit = self.indicator.unit
        if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
            self.add(
                "non-numeric-value",
                f"ô chứa “{cell_text(raw)}”, không phải là số; hãy nhập số ({unit}).",
            )
            return None
        if isinstance(raw, float):
            if math.isnan(raw):
                self.add(
                    "value-out-of-range",
                    f"ô chứa giá trị không xác định (NaN), không phải là số; hãy nhập số ({unit}).",
                )
                return None
            if math.isinf(raw):
                self.add("value-out-of-range", self.out_of_range("vô hạn"))
                return None
            return decimal_from_float(raw)
        if isinstance(raw, int):
            return Decimal(raw)
        text = "" if raw is None else str(raw).strip()
        if not text:
            self.empty()
            return None
        if text in self.reading.contract.form.empty_markers:
            self.add("missing-value", self.missing())
            return None
        try:
            value = parse_vi_number(text)
        except NotANumber:
            self.add(
                "non-numeric-value",
                f"“{text}” không phải là số theo cách viết của Việt Nam; hãy nhập số, dùng dấu "
                "phẩy cho phần thập phân (ví dụ 4841,2 hoặc 4.841,2).",
            )
            return None
        digits = significant_digits(value)
        if digits > SHOWN_DIGITS:
            self.add(
                "too-many-digits",
                f"số “{text}” có {digits} chữ số có nghĩa, nhiều hơn {SHOWN_DIGITS} chữ số mà "
                "Excel giữ được, nên không thể là số liệu đúng; hãy kiểm tra và nhập lại.",
            )
            return None
        self.add(
            "text-number",
            f"số được nhập dạng chữ “{text}”, đã đọc là {format_exact(value)}; hãy nhập dạng số "
            "để tránh hiểu nhầm.",
        )
        return value

    def empty(self) -> None:
        """An empty cell may hold an error value, or a formula whose result was never saved: say
        so, and how to fix."""
        if _error_value(self.table, self.row, self.reading, self.indicator.code):
            return
        formula = self.table.scan.formula(self.cell)
        if formula is None:
            self.add("missing-value", self.missing())
            return
        self.add(
            "formula-without-value",
            f"ô có công thức {formula} nhưng tệp không lưu kết quả của công thức (tệp được tạo "
            "bằng chương trình và chưa từng mở bằng Excel); hãy mở tệp bằng Excel hoặc "
            "LibreOffice, bấm Lưu rồi gửi lại.",
        )

    def out_of_range(self, shown: str) -> str:
        limit = format_number(self.reading.contract.form.max_value, 0)
        return (
            f"ô chứa số {shown}, vượt giới hạn ±{limit} của biểu nên không thể là số liệu đúng; "
            f"hãy kiểm tra lại số liệu ({self.indicator.unit})."
        )

    def within_bounds(self, value: Decimal) -> Decimal | None:
        """A figure beyond the form's `max_value` is refused: nothing to sum, nothing to guess."""
        if abs(value) <= self.reading.contract.form.max_value:
            return value
        shown = format_exact(value) if value.adjusted() < SHOWN_DIGITS * 2 else f"{value:E}"
        self.add("value-out-of-range", self.out_of_range(shown))
        return None

    def shown_otherwise(self, value: Decimal) -> None:
        """A percentage or scaling format shows the clerk another number than the one read."""
        number_format = self.table.number_format(self.cell)
        if number_format is None:
            return
        shown = _as_shown(value, number_format)
        self.add(
            "display-format",
            f"ô có định dạng số “{number_format.code}” nên Excel hiển thị {shown}, nhưng giá trị "
            f"lưu trong ô, là số ipstat đọc, là {format_exact(value)} {self.indicator.unit}; "
            f"nếu số liệu đúng là {shown}, hãy nhập đúng số đó với định dạng số thông thường.",
        )

    def missing(self) -> str:
        return (
            f"chưa có giá trị cho “{self.indicator.label}”; hãy nhập số ({self.indicator.unit}), "
            "nếu không có thì ghi 0."
        )

    def convert_unit(self, value: Decimal) -> Decimal | None:
        """Into the catalogue's unit; another dimension (USD for tỷ đồng) is refused."""
        table, indicator = self.table, self.indicator
        text = cell_text(table.cell(self.row, "unit")) if "unit" in table.columns else ""
        if indicator.is_count or not text:
            return value
        units = self.reading.contract.units
        found = units.factors.get(units.key(text))
        if found is None or found[0] != units.dimension_of(indicator.unit):
            self.add(
                "unit-mismatch",
                f"đơn vị “{text}” không dùng được cho chỉ tiêu này; hãy ghi số theo đơn vị "
                f"“{indicator.unit}”.",
            )
            return None
        factor = found[1]
        if factor == 1:
            return value
        converted = value * factor
        how = f"× {format_exact(factor)}" if factor > 1 else f"÷ {format_exact(1 / factor)}"
        self.add(
            "unit-converted",
            f"đơn vị “{text}” đã được đổi sang “{indicator.unit}” ({how}): "
            f"{format_exact(value)} → {format_exact(converted)}.",
        )
        return converted


def _as_shown(value: Decimal, number_format: NumberFormat) -> str:
    """The number as the clerk sees it in Excel (`56%`, `1.235` for millions)."""
    shown = value * 100 if number_format.percent else value
    shown = shown.scaleb(-3 * number_format.scale)
    return format_number(shown, number_format.decimals) + ("%" if number_format.percent else "")
