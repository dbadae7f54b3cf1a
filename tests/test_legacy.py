"""Legacy workbooks end to end: `.xls` and `.ods` read with the same contract as `.xlsx`, text in
TCVN3 and VNI fonts converted and warned, each unreadable kind one clear finding."""

import io
import shutil
import struct
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font
from typer.testing import CliRunner

from ipstat.bloc.totals import aggregate_paths
from ipstat.cli import app
from ipstat.contract.model import Contract
from ipstat.reading.submission import read_submission
from tests.legacy_books import encode, to_ods, to_xls

Make = Callable[..., Path]
SAMPLE = Path(__file__).parents[1] / "sample_data" / "2016"
runner = CliRunner()


def totals(folder: Path, contract: Contract) -> dict[str, Decimal]:
    run = aggregate_paths([folder], contract)
    assert run.aggregate is not None, [f.message for f in run.validation.report.errors]
    return run.aggregate.totals


@pytest.fixture(scope="module")
def sample_totals(contract: Contract) -> dict[str, Decimal]:
    return totals(SAMPLE, contract)


@pytest.mark.parametrize("convert", [to_xls, to_ods], ids=["xls", "ods"])
def test_the_sample_in_a_legacy_format_adds_up_the_same(
    convert: Callable[..., Path],
    contract: Contract,
    sample_totals: dict[str, Decimal],
    tmp_path: Path,
) -> None:
    for source in sorted(SAMPLE.glob("*.xlsx")):
        convert(source, tmp_path / source.with_suffix("").name)
    for path in tmp_path.iterdir():
        path.rename(path.with_suffix(".xls" if convert is to_xls else ".ods"))
    assert totals(tmp_path, contract) == sample_totals


def _tcvn3_xlsx(source: Path, target: Path) -> Path:
    """The workbook with its member name, a label and a text number typed in `.VnTime`."""
    book = openpyxl.load_workbook(source)
    legacy = Font(name=".VnTime")
    for row in book["Thông tin"].iter_rows():
        if row[0].value == "tinh":
            row[2].value, row[2].font = encode(str(row[2].value), "tcvn3"), legacy
    for row in book["Chỉ tiêu"].iter_rows():
        if row[0].value == "fdi_new_capital":
            row[1].value, row[1].font = encode(str(row[1].value), "tcvn3"), legacy
            row[2].value, row[2].font = encode("triệu USD", "tcvn3"), legacy
    book.save(target)
    return target


def test_a_mixed_folder_with_tcvn3_adds_up_the_same(
    contract: Contract, sample_totals: dict[str, Decimal], tmp_path: Path
) -> None:
    sources = sorted(SAMPLE.glob("*.xlsx"))
    for index, source in enumerate(sources):
        name = source.with_suffix("").name
        if index % 3 == 0:
            to_xls(source, tmp_path / f"{name}.xls", fonts={("Thông tin", "C4"): ".VnTime"})
        elif index % 3 == 1:
            to_ods(source, tmp_path / f"{name}.ods")
        else:
            _tcvn3_xlsx(source, tmp_path / f"{name}.xlsx")
    # The .xls files carry the name in TCVN3 too, in the font the cell names.
    for path in tmp_path.glob("*.xls"):
        book = openpyxl.load_workbook(SAMPLE / path.with_suffix(".xlsx").name)
        member = next(r[2].value for r in book["Thông tin"].iter_rows() if r[0].value == "tinh")
        _xls_with_text(path, ("Thông tin", 3, 2), encode(str(member), "tcvn3"), ".VnTime")
    assert totals(tmp_path, contract) == sample_totals
    warned = [
        f
        for r in aggregate_paths([tmp_path], contract).validation.report.files
        for f in r.findings
        if f.rule == "legacy-encoding"
    ]
    assert len(warned) >= 4 and all(f.severity == "warning" for f in warned)


def _xls_with_text(path: Path, where: tuple[str, int, int], text: str, font: str) -> None:
    """Rewrite one text cell of an `.xls` (xlwt cannot edit: rebuild from the values)."""
    import xlrd
    import xlwt

    source = xlrd.open_workbook(str(path))
    book = xlwt.Workbook(encoding="utf-8")
    style = xlwt.easyxf(f"font: name {font}")
    for sheet in source.sheets():
        out = book.add_sheet(sheet.name)
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                value = sheet.cell_value(r, c)
                if (sheet.name, r, c) == where:
                    out.write(r, c, text, style)
                elif value != "":
                    out.write(r, c, value)
    book.save(str(path))


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_member_label_unit_and_text_number_in_a_legacy_font(
    make_workbook: Make, contract: Contract, encoding: str, tmp_path: Path
) -> None:
    font = ".VnTime" if encoding == "tcvn3" else "VNI-Times"

    def legacy(book: openpyxl.Workbook) -> None:
        for row in book["Thông tin"].iter_rows():
            if row[0].value == "tinh":
                row[2].value, row[2].font = encode("Hưng Yên", encoding), Font(name=font)
        for row in book["Chỉ tiêu"].iter_rows():
            if row[0].value == "ddi_new_capital":
                row[2].value, row[2].font = encode("triệu đồng", encoding), Font(name=font)
                row[3].value, row[3].font = "2.310.670", Font(name=font)

    submission, findings = read_submission(make_workbook(edit=legacy), contract)
    assert submission is not None and submission.member == "Hưng Yên"
    assert submission.figures["ddi_new_capital"].value == Decimal("2310.67")  # converted unit
    warned = {f.cell: f.message for f in findings if f.rule == "legacy-encoding"}
    name = "TCVN3" if encoding == "tcvn3" else "VNI"
    assert warned["C4"] == (
        f"Ô C4: chữ mã {name} “{encode('Hưng Yên', encoding)}” đã đọc là “Hưng Yên”; hãy chọn "
        "lại phông chữ Unicode (ví dụ Times New Roman) cho ô này rồi gửi lại."
    )
    assert len(warned) == 2  # the name and the unit; "2.310.670" is the same in any font


def test_unicode_text_in_a_legacy_font_is_left_alone(
    make_workbook: Make, contract: Contract
) -> None:
    def unicode_in_vn_font(book: openpyxl.Workbook) -> None:
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    cell.font = Font(name=".VnTime")

    submission, findings = read_submission(make_workbook(edit=unicode_in_vn_font), contract)
    assert submission is not None and submission.member == "Hà Nam"
    assert [f for f in findings if f.rule == "legacy-encoding"] == []


def test_an_upper_case_heading_font_matches_the_header(
    make_workbook: Make, contract: Contract
) -> None:
    def heading(book: openpyxl.Workbook) -> None:
        sheet = book["Chỉ tiêu"]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "Giá trị":
                    cell.value, cell.font = encode("giá trị", "tcvn3"), Font(name=".VnTimeH")

    submission, findings = read_submission(make_workbook(edit=heading), contract)
    assert submission is not None and len(submission.figures) == 32
    [warned] = [f for f in findings if f.rule == "legacy-encoding"]
    assert warned.message.endswith(
        "đã đọc là “GIÁ TRỊ”; hãy chọn lại phông chữ Unicode (ví dụ "
        "Times New Roman) cho ô này rồi gửi lại."
    )


def test_ods_text_is_judged_by_its_content(make_workbook: Make, contract: Contract) -> None:
    source = make_workbook(member=encode("Nam Định", "tcvn3"))
    submission, findings = read_submission(to_ods(source), contract)
    assert submission is not None and submission.member == "Nam Định"
    assert [f.cell for f in findings if f.rule == "legacy-encoding"] == ["C4"]


def _encrypted_xls() -> bytes:
    import xlwt
    from xlwt.CompoundDoc import XlsDoc

    book = xlwt.Workbook()
    book.add_sheet("A").write(0, 0, 1)
    stream = book.get_biff_data()
    _, length = struct.unpack("<HH", stream[:4])
    filepass = struct.pack("<HHHHH", 0x2F, 6, 0, 0x1234, 0x5678)
    buffer = io.BytesIO()
    XlsDoc().save(buffer, stream[: 4 + length] + filepass + stream[4 + length :])
    return buffer.getvalue()


def _ods_with(make_workbook: Make, part: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(to_ods(make_workbook())) as source, zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            out.writestr(info, data if info.filename == part else source.read(info))
    return buffer.getvalue()


def _far_cell(make_workbook: Make) -> bytes:
    with zipfile.ZipFile(to_ods(make_workbook())) as source:
        content = source.read("content.xml")
    far = (
        b'<table:table-row table:number-rows-repeated="9000"><table:table-cell/>'
        b'</table:table-row><table:table-row><table:table-cell office:value-type="float" '
        b'office:value="1"/></table:table-row></table:table>'
    )
    return _ods_with(make_workbook, "content.xml", content.replace(b"</table:table>", far, 1))


UNREADABLE: dict[str, tuple[str, Callable[[Make], bytes], str]] = {
    "encrypted xls": ("bieu.xls", lambda make: _encrypted_xls(), "mật khẩu"),
    "truncated xls": (
        "bieu.xls",
        lambda make: to_xls(make()).read_bytes()[:3000],
        "bị hỏng hoặc chưa tải về hết",
    ),
    "xls renamed xlsx": (
        "bieu.xlsx",
        lambda make: to_xls(make()).read_bytes(),
        "tệp Excel cũ (.xls) được đổi tên thành .xlsx",
    ),
    "ods with a DTD": (
        "bieu.ods",
        lambda make: _ods_with(
            make, "content.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'
        ),
        "DTD",
    ),
    "ods too big": ("bieu.ods", _far_cell, "quá lớn"),
    "encrypted ods": (
        "bieu.ods",
        lambda make: _ods_with(
            make,
            "META-INF/manifest.xml",
            b'<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:x">'
            b"<manifest:encryption-data/></manifest:manifest>",
        ),
        "mật khẩu",
    ),
}


@pytest.mark.parametrize("case", UNREADABLE, ids=list(UNREADABLE))
def test_each_unreadable_kind_is_one_clear_finding(
    case: str, make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    name, build, words = UNREADABLE[case]
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(build(make_workbook))
    submission, findings = read_submission(path, contract)
    assert submission is None
    assert [f.rule for f in findings] == ["unreadable-file"]
    assert words in findings[0].message
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 1 and result.stderr == ""
    assert "renamed" not in result.stdout


def test_a_real_xls_is_not_called_renamed(make_workbook: Make, contract: Contract) -> None:
    submission, findings = read_submission(to_xls(make_workbook()), contract)
    assert submission is not None and findings == []


def test_annotated_copy_of_a_legacy_file_is_xlsx(make_workbook: Make, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    source = to_xls(make_workbook(values={"workers": -1}), tmp_path / "in" / "ha-nam.xls")
    out = tmp_path / "out"
    result = runner.invoke(app, ["validate", str(source), "--annotate", str(out)])
    assert result.exit_code == 1
    assert (out / "ha-nam.xlsx").is_file() and "ghi dạng .xlsx" in result.stdout
    copy = openpyxl.load_workbook(out / "ha-nam.xlsx")
    assert copy.sheetnames[0] == "Lỗi cần sửa"
    labels = copy["Thông tin"]  # a values-only copy gets widths from its text: nothing cut
    longest = max(len(str(c.value)) for (c,) in labels.iter_rows(min_col=2, max_col=2) if c.value)
    assert (labels.column_dimensions["B"].width or 0) >= longest > 20
    assert any(cell.comment is not None for row in copy["Chỉ tiêu"].iter_rows() for cell in row)


@pytest.fixture(scope="module")
def legacy_bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("bases")
    source = SAMPLE / "bieu-ha-nam-2016.xlsx"
    return {
        ".xls": to_xls(source, folder / "b.xls").read_bytes(),
        ".ods": to_ods(source, folder / "b.ods").read_bytes(),
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from([".xls", ".ods"]),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255), st.sampled_from("sdi")),
        min_size=1,
        max_size=8,
    ),
)
def test_mutated_legacy_files_never_crash(
    legacy_bases: dict[str, bytes],
    contract: Contract,
    tmp_path: Path,
    suffix: str,
    edits: list[tuple[float, int, str]],
) -> None:
    """Byte-level mutants of an `.xls` and an `.ods`: read as-is or one finding, in bounded time."""
    data = bytearray(legacy_bases[suffix])
    for where, byte, kind in edits:
        at = int(where * len(data))
        if kind == "s":
            data[at] = byte
        elif kind == "d":
            del data[at : at + byte // 4 + 1]
        else:
            data[at:at] = bytes([byte]) * (byte % 16 + 1)
    path = tmp_path / f"mutant{suffix}"
    path.write_bytes(bytes(data))
    submission, findings = read_submission(path, contract)
    if submission is None:
        assert [f.rule for f in findings] == ["unreadable-file"]


def test_a_copy_never_lands_beside_its_original(make_workbook: Make, tmp_path: Path) -> None:
    """`ha-nam.xls` annotated into its own folder would replace the member's `ha-nam.xlsx`."""
    folder = tmp_path / "in"
    folder.mkdir()
    clean = make_workbook()
    shutil.copyfile(clean, folder / "ha-nam.xlsx")
    before = (folder / "ha-nam.xlsx").read_bytes()
    source = to_xls(make_workbook(values={"workers": -1}), folder / "ha-nam.xls")
    result = runner.invoke(app, ["validate", str(source), "--annotate", str(folder)])
    assert result.exit_code == 2 and "thư mục khác" in result.stderr
    assert (folder / "ha-nam.xlsx").read_bytes() == before


@pytest.mark.parametrize(
    "damage",
    [
        lambda x: x[:3000],
        lambda x: x.replace(
            b"<table:table-row", b'<table:table-row table:number-rows-repeated="x"', 1
        ),
    ],
    ids=["truncated", "repeat not a number"],
)
def test_a_damaged_ods_content_is_one_finding(
    make_workbook: Make, contract: Contract, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    with zipfile.ZipFile(to_ods(make_workbook())) as source:
        content = source.read("content.xml")
    path = tmp_path / "hong.ods"
    path.write_bytes(_ods_with(make_workbook, "content.xml", damage(content)))
    submission, findings = read_submission(path, contract)
    assert submission is None and [f.rule for f in findings] == ["unreadable-file"]
    assert "bị hỏng" in findings[0].message


def test_a_form_typed_wholly_in_tcvn3_is_read(
    contract: Contract, sample_totals: dict[str, Decimal], tmp_path: Path
) -> None:
    """Headers whose letters Unicode also uses (`Néi dung`) are converted with the sheet."""
    book = openpyxl.load_workbook(SAMPLE / "bieu-ha-nam-2016.xlsx")
    fonts = {}
    for name in ("Thông tin", "Chỉ tiêu"):
        for row in book[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.isascii():
                    cell.value = encode(cell.value, "tcvn3")
                    fonts[(name, cell.coordinate)] = ".VnTime"
    book.save(tmp_path / "all.xlsx")
    xls = to_xls(tmp_path / "all.xlsx", tmp_path / "all.xls", fonts=fonts)
    submission, findings = read_submission(xls, contract)
    assert submission is not None and submission.member == "Hà Nam"
    assert len(submission.figures) == 32
    assert {f.rule for f in findings} == {"legacy-encoding"}


def test_cells_of_the_default_style_are_judged_by_its_font(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """Excel leaves `s=` out for style 0: its font is the workbook's default font."""
    import re

    source = make_workbook(member=encode("Hà Nam", "tcvn3"))
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    styles = parts["xl/styles.xml"]
    parts["xl/styles.xml"] = re.sub(rb'<name val="[^"]*"', b'<name val=".VnTime"', styles, count=1)
    info = next(
        n for n in parts if (n.startswith("xl/worksheets/") and b"tinh" in parts[n]) or False
    )
    del info
    path = tmp_path / "default.xlsx"
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, re.sub(rb'(<c r="C4") s="[0-9]+"', rb"\1", data))
    submission, _ = read_submission(path, contract)
    assert submission is not None and submission.member == "Hà Nam"


def test_an_annotated_copy_keeps_every_cell_in_its_place(
    make_workbook: Make, tmp_path: Path
) -> None:
    """calamine would drop an empty first column; the copy keeps the file's own layout."""

    def shift(book: openpyxl.Workbook) -> None:
        book["Chỉ tiêu"].insert_cols(1)

    source = to_xls(make_workbook(edit=shift, values={"workers": -1}), tmp_path / "shifted.xls")
    out = tmp_path / "out"
    runner.invoke(app, ["validate", str(source), "--annotate", str(out)])
    copy = openpyxl.load_workbook(out / "shifted.xlsx")
    original = openpyxl.load_workbook(make_workbook(edit=shift))
    assert copy["Chỉ tiêu"]["B10"].value == original["Chỉ tiêu"]["B10"].value


def test_a_long_sheet_name_is_cut_to_what_excel_takes(make_workbook: Make, tmp_path: Path) -> None:
    def long_name(book: openpyxl.Workbook) -> None:
        book["Hướng dẫn"].title = "Hướng dẫn điền biểu"
        book.create_sheet("x")

    source = to_ods(make_workbook(edit=long_name, values={"workers": -1}))
    content_renamed = _rename_sheet(source, "Hướng dẫn điền biểu", "H" * 40)
    out = tmp_path / "out"
    result = runner.invoke(app, ["validate", str(content_renamed), "--annotate", str(out)])
    assert "Warning" not in result.stderr and "characters" not in result.stderr
    copy = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    assert all(len(name) <= 31 for name in copy.sheetnames)


def _rename_sheet(path: Path, old: str, new: str) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                data = data.replace(old.encode(), new.encode())
            out.writestr(info, data)
    target = path.with_name("renamed.ods")
    target.write_bytes(buffer.getvalue())
    return target


def test_a_zip_is_read_as_what_its_parts_say(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """A real .xlsx named .ods, or a real .ods named .xlsx, is read: nothing is guessed."""
    xlsx_as_ods = tmp_path / "a.ods"
    shutil.copyfile(make_workbook(), xlsx_as_ods)
    ods_as_xlsx = tmp_path / "b.xlsx"
    shutil.copyfile(to_ods(make_workbook()), ods_as_xlsx)
    for path in (xlsx_as_ods, ods_as_xlsx):
        submission, findings = read_submission(path, contract)
        assert submission is not None and findings == [], path.name


def test_an_old_xls_under_another_suffix_names_that_suffix(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "bieu.ods"
    path.write_bytes(to_xls(make_workbook()).read_bytes())
    _, findings = read_submission(path, contract)
    assert "được đổi tên thành .ods" in findings[0].message
