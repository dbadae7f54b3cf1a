"""The forms the secretariat sends out in one call: the form of the year or of its first six
months, the registration form, or the blank adjustments sheet, for one member or all of them,
never over a file unasked."""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.base.errors import InputError
from ipstat.base.periods import YEARLY
from ipstat.base.visible import visible
from ipstat.bloc.compare import read_last_year
from ipstat.contract.blocs import Member
from ipstat.contract.model import Contract
from ipstat.outputs.atomic import write_all_atomic
from ipstat.reading.members import match_member, not_a_member

if TYPE_CHECKING:
    from openpyxl import Workbook

    from ipstat.contract.scoring_table import ScoringTable


@dataclass(frozen=True, kw_only=True)
class FormRequest:
    year: int
    member: str | None = None
    all_members: bool = False
    output: Path | None = None
    registration: bool = False
    adjustments: bool = False
    previous: Path | None = None
    overwrite: bool = False
    period: str = YEARLY


def write_forms(
    request: FormRequest, contract: Contract, scoring: "ScoringTable | None"
) -> list[Path]:
    """Every form asked for, or none: a request that cannot be met, or a file already there
    (a member's filled workbook, say) without `overwrite`, is an `InputError` before anything
    is written, and the forms are replaced together (`write_all_atomic`)."""
    _check(request, contract, scoring)
    from ipstat.outputs import emulation_forms, forms  # noqa: PLC0415

    books: dict[Path, Workbook] = {}
    if request.adjustments:
        assert scoring is not None
        path = request.output or Path(f"dieu-chinh-{request.year}.xlsx")
        books[path] = emulation_forms.build_adjustment_form(contract, scoring, request.year)
    else:
        last_year = (
            read_last_year(request.previous, contract, request.period) if request.previous else None
        )
        for member, path in _targets(request, contract):
            if request.registration:
                assert scoring is not None
                books[path] = emulation_forms.build_registration_form(
                    contract, scoring, request.year, member
                )
                continue
            figures = last_year.figures(member.name) if last_year and member else None
            books[path] = forms.build_form(
                contract,
                request.year,
                member,
                scoring=scoring,
                previous=figures,
                period=request.period,
            )
    _refuse_existing(list(books), request.overwrite)
    write_all_atomic({path: book.save for path, book in books.items()})
    return list(books)


def _check(request: FormRequest, contract: Contract, scoring: "ScoringTable | None") -> None:
    if request.all_members and request.member:
        raise InputError("chỉ dùng một trong hai: --member hoặc --all.")
    if request.registration and request.adjustments:
        raise InputError("chỉ dùng một trong hai: --registration hoặc --adjustments.")
    if (request.registration or request.adjustments) and scoring is None:
        raise InputError(
            f"{contract.bloc.name} chưa có biểu tiêu chí chấm điểm (mục `scoring` của khối)."
        )
    if request.adjustments and (request.member or request.all_members or request.previous):
        raise InputError(
            "--adjustments ghi một trang “Điều chỉnh” cho cả Khối: không dùng với --member, "
            "--all hay --previous."
        )
    if request.period != YEARLY and (request.registration or request.adjustments):
        raise InputError(
            "--period 6-thang chỉ dùng cho biểu báo cáo số liệu: bản đăng ký thi đua và trang "
            "“Điều chỉnh” là của cả năm (bỏ --period, hoặc bỏ --registration/--adjustments)."
        )
    if request.previous is not None and not (request.member or request.all_members):
        raise InputError(
            "--previous cần --member hoặc --all: cột “Năm trước” là số liệu của từng thành viên."
        )


def _targets(request: FormRequest, contract: Contract) -> list[tuple[Member | None, Path]]:
    from ipstat.outputs.emulation_forms import registration_filename  # noqa: PLC0415
    from ipstat.outputs.forms import form_filename  # noqa: PLC0415

    def filename(year: int, member: Member | None) -> str:
        if request.registration:
            return registration_filename(year, member)
        return form_filename(year, member, request.period)

    if request.all_members:
        folder = request.output or Path(".")
        return [(m, folder / filename(request.year, m)) for m in contract.bloc.members]
    chosen = None
    if request.member:
        prefixes = contract.form.member_prefixes
        chosen = match_member(request.member, contract.bloc, prefixes)
        if chosen is None:
            raise InputError(not_a_member(request.member, contract.bloc, prefixes))
    return [(chosen, request.output or Path(filename(request.year, chosen)))]


def _refuse_existing(paths: list[Path], overwrite: bool) -> None:
    """A blank form never replaces a file (a member's filled workbook, say) unasked."""
    existing = [p for p in paths if p.exists() and not p.is_dir()]
    if existing and not overwrite:
        names = ", ".join(visible(str(p)) for p in existing)
        raise InputError(
            f"không ghi biểu mẫu vì đã có {len(existing)} tệp: {names}. Hãy chọn thư mục khác "
            "(-o), hoặc thêm --overwrite nếu chắc chắn muốn ghi đè. Không tệp nào bị thay."
        )
