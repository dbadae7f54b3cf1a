"""The `Thông tin` sheet: who reports (`tinh`, matched to a member of the bloc), for which year
and period (`ky`: absent, the year), and the names the bloc's documents print."""

from ipstat.base.periods import words
from ipstat.base.text import fold
from ipstat.base.visible import visible
from ipstat.contract.blocs import FIRST_YEAR, LAST_YEAR
from ipstat.reading.located import Reading
from ipstat.reading.members import is_exact_name, match_member, not_a_member
from ipstat.reading.tables import Table, coded_rows, report_error_value
from ipstat.reading.values import Cell, cell_text


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
        if not text and found is not None and report_error_value(table, found, reading, code):
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
        reading.submission.info_cells[code] = cell
        if spec.max_length is not None:
            _check_name(text, spec.label, spec.max_length, (table.sheet, cell, code), reading)
        if spec.kind == "member":
            _read_member(text, table.sheet, cell, reading)
        elif spec.kind == "year":
            _read_year(raw, text, table.sheet, cell, reading)
        elif spec.kind == "period":
            _read_period(text, (table.sheet, cell, code), reading)


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
    reading.add(
        "unknown-member",
        not_a_member(text, contract.bloc, contract.form.member_prefixes),
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


def _read_period(text: str, where: tuple[str, str, str], reading: Reading) -> None:
    """`ky`, folded like member names (`6 THANG`, `6t`); anything else is never guessed."""
    form = reading.contract.form
    found = form.period_spellings.get(fold(text))
    if found is not None:
        reading.submission.period = found
        return
    reading.submission.period = None
    accepted = "; ".join(
        f"cho {words(p.id).report}: " + ", ".join(f"“{s}”" for s in p.spellings)
        for p in form.periods
    )
    sheet, cell, code = where
    reading.add(
        "invalid-period",
        f"Kỳ báo cáo “{text}” không hợp lệ; hãy ghi một trong các giá trị sau ({accepted}), "
        "không phân biệt chữ hoa, chữ thường, có dấu hay không dấu; bỏ trống hoặc xóa dòng "
        "này nếu là báo cáo năm.",
        sheet=sheet,
        cell=cell,
        code=code,
    )
