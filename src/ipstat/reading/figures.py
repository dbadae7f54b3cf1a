"""The indicators' rows of a sheet (`Chỉ tiêu`, or a registration's `Đăng ký`): each code read
once, its value by the one number rule (`values.py`), in the catalogue's unit."""

from dataclasses import dataclass
from decimal import Decimal

from ipstat.base.formatting import format_exact, format_number
from ipstat.base.numbers import SHOWN_DIGITS, is_whole, plain
from ipstat.contract.catalogue import Indicator
from ipstat.reading.located import Figure, Reading
from ipstat.reading.styles import NumberFormat
from ipstat.reading.tables import Table, coded_rows, report_error_value
from ipstat.reading.values import cell_text, read_number


def read_figures(table: Table, reading: Reading, require_all: bool = True) -> dict[str, int]:
    """The indicators' rows, each read once; returns the row of each code found."""
    catalogue = reading.contract.form.by_code
    first_row: dict[str, int] = {}
    found_before = len(reading.findings)
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
    if _blank(first_row, reading, found_before, require_all):
        del reading.findings[found_before:]
        reading.add(
            "blank-form",
            f"Biểu chưa điền số liệu: mọi ô giá trị của trang “{table.sheet}” đều trống. Đây là "
            "biểu mẫu trống, chưa phải báo cáo; hãy điền số liệu rồi gửi lại.",
            sheet=table.sheet,
        )
        return first_row
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


def _blank(
    first_row: dict[str, int], reading: Reading, found_before: int, require_all: bool
) -> bool:
    """Every row there (every indicator, for a yearly form) and every value cell empty: the
    form as it was sent out, a yearly one or a registration."""
    complete = len(first_row) == len(reading.contract.form.indicators) or not require_all
    return (
        bool(first_row)
        and complete
        and not reading.submission.figures
        and all(f.rule == "missing-value" for f in reading.findings[found_before:])
    )


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

    def add(self, rule: str, text: str, value: Decimal | str | None = None) -> None:
        values = () if value is None else (("value", _exact(value)),)
        self.reading.add(
            rule, text, sheet=self.table.sheet, cell=self.cell, code=self.indicator.code,
            values=values,
        )  # fmt: skip

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
            self.add("negative-value", f"giá trị âm {format_exact(value)}; hãy nhập số ≥ 0.", value)
            return None
        indicator = self.indicator
        if indicator.is_count and not is_whole(value):
            self.add(
                "fractional-count",
                f"“{indicator.label}” là số đếm ({indicator.unit}) nhưng ô ghi "
                f"{format_exact(value)}; hãy nhập số nguyên.",
                value,
            )
            return None
        return Figure(indicator.code, value, self.table.sheet, self.cell)

    def number(self, raw: object) -> Decimal | None:
        unit = self.indicator.unit
        if isinstance(raw, str) and raw.strip() in self.reading.contract.form.empty_markers:
            self.add("missing-value", self.missing())
            return None
        read = read_number(raw)
        if read.problem == "empty":
            self.empty()
        elif read.problem == "undefined":
            self.add(
                "value-out-of-range",
                f"ô chứa giá trị không xác định (NaN), không phải là số; hãy nhập số ({unit}).",
            )
        elif read.problem == "infinite":
            self.add("value-out-of-range", self.out_of_range("vô hạn"))
        elif read.problem == "too-many-digits":
            self.add(
                "too-many-digits",
                f"số “{read.shown}” có {read.digits} chữ số có nghĩa, nhiều hơn {SHOWN_DIGITS} chữ "
                "số mà Excel giữ được, nên không thể là số liệu đúng; hãy kiểm tra và nhập lại.",
                read.shown,
            )
        elif read.problem == "not-a-number" and isinstance(raw, str):
            self.add(
                "non-numeric-value",
                f"“{read.shown}” không phải là số theo cách viết của Việt Nam; hãy nhập số, dùng "
                "dấu phẩy cho phần thập phân (ví dụ 4841,2 hoặc 4.841,2).",
                read.shown,
            )
        elif read.problem == "not-a-number":
            self.add(
                "non-numeric-value",
                f"ô chứa “{read.shown}”, không phải là số; hãy nhập số ({unit}).",
                read.shown,
            )
        elif read.from_text and read.value is not None:
            self.add(
                "text-number",
                f"số được nhập dạng chữ “{read.shown}”, đã đọc là {format_exact(read.value)}; "
                "hãy nhập dạng số để tránh hiểu nhầm.",
                read.value,
            )
        return read.value

    def empty(self) -> None:
        """An empty cell may hold an error value, or a formula whose result was never saved: say
        so, and how to fix."""
        if report_error_value(self.table, self.row, self.reading, self.indicator.code):
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
        self.add("value-out-of-range", self.out_of_range(shown), value)
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
            value,
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
            converted,
        )
        return converted


def _exact(value: Decimal | str) -> str:
    return plain(value) if isinstance(value, Decimal) else value


def _as_shown(value: Decimal, number_format: NumberFormat) -> str:
    """The number as the clerk sees it in Excel (`56%`, `1.235` for millions)."""
    shown = value * 100 if number_format.percent else value
    shown = shown.scaleb(-3 * number_format.scale)
    return format_number(shown, number_format.decimals) + ("%" if number_format.percent else "")
