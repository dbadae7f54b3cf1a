"""A sheet found by its name and read as a table: its header row found by the column titles, its
cells from A1, and text typed in a TCVN3 or VNI font made Unicode before anything reads it."""

from dataclasses import dataclass

from ipstat.base.text import fold
from ipstat.contract.catalogue import SheetSpec
from ipstat.reading.excel_errors import error_meaning
from ipstat.reading.legacy_text import NAMES as ENCODING_NAMES
from ipstat.reading.legacy_text import convert, font_encoding, is_upper_font, looks_legacy
from ipstat.reading.legacy_text import guess as guess_encoding
from ipstat.reading.located import Reading
from ipstat.reading.sheetscan import Place, SheetScan, a1, position
from ipstat.reading.styles import NumberFormat
from ipstat.reading.workbook import Cell, RawWorkbook


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
            if _merged_over(book, name, index, columns, titles=spec.columns, reading=reading):
                return None
            return Table(name, index, columns, rows, book)
    needed = ", ".join(f"“{t}”" for t in spec.required_columns.values())
    reading.add(
        "missing-header",
        f"Không tìm thấy dòng tiêu đề có các cột {needed} trong {limit} dòng đầu của trang "
        f"“{name}”; hãy giữ nguyên dòng tiêu đề của biểu mẫu.",
        sheet=name,
    )
    return None


# The columns read as text a person wrote: a title over two columns there misleads no reading.
_TEXT_ROLES = frozenset({"label", "note"})


def _merged_over(
    book: RawWorkbook,
    sheet: str,
    row: int,
    columns: dict[str, int],
    *,
    titles: dict[str, str],
    reading: Reading,
) -> bool:
    """A column title merged over several columns (`Giá trị` above `Năm 2015 | Năm 2016`):
    which of them holds the figures cannot be told, as with two columns of that title."""
    found = False
    for role, column in columns.items():
        if role in _TEXT_ROLES:
            continue
        for (top, left), (bottom, right) in book.merges(sheet):
            if top <= row <= bottom and left <= column <= right and right > left:
                span = f"{a1(top, left)}:{a1(bottom, right)}"
                reading.add(
                    "ambiguous-column",
                    f"Ô tiêu đề “{titles[role]}” được gộp qua {right - left + 1} cột ({span}); "
                    "không biết đọc số liệu ở cột nào, hãy bỏ gộp ô và để một cột "
                    f"“{titles[role]}” duy nhất.",
                    sheet=sheet,
                    cell=a1(row, column),
                )
                found = True
    return found


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


def report_error_value(table: Table, row: int, reading: Reading, code: str) -> bool:
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
