"""Every kind of unreadable file gives exactly one clear error for that file."""

import zipfile
from collections.abc import Callable
from pathlib import Path

from ipstat.contract.model import Contract
from ipstat.reading.submission import read_submission

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def only_error(path: Path, contract: Contract) -> str:
    submission, findings = read_submission(path, contract)
    assert submission is None
    assert [(f.rule, f.severity, f.file) for f in findings] == [
        ("unreadable-file", "error", str(path))
    ]
    return findings[0].message


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info)))
    return target


def test_empty_file(tmp_path: Path, contract: Contract) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "rỗng" in only_error(path, contract)


def test_text_file_named_xlsx(tmp_path: Path, contract: Contract) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("Mã,Giá trị\nfdi_new_projects,12\n", encoding="utf-8")
    assert ".xlsx" in only_error(path, contract)


def test_truncated_download(make_workbook: Callable[..., Path], contract: Contract) -> None:
    path = make_workbook()
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "hỏng" in only_error(path, contract)


def test_password_protected(tmp_path: Path, contract: Contract) -> None:
    path = tmp_path / "locked.xlsx"
    body = b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    path.write_bytes(OLE + body)
    assert "mật khẩu" in only_error(path, contract)


def test_legacy_xls_renamed(tmp_path: Path, contract: Contract) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(OLE + b"\x00" * 2048 + "Workbook".encode("utf-16-le"))
    assert ".xls" in only_error(path, contract)


def test_zip_that_is_not_a_workbook(tmp_path: Path, contract: Contract) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "không chứa sổ làm việc" in only_error(path, contract)


BOMB = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
INFO_SHEET = "xl/worksheets/sheet2.xml"


def with_doctype(data: bytes, doctype: str) -> bytes:
    """The DTD goes after the XML declaration, if the part has one."""
    text = data.decode()
    if text.startswith("<?xml"):
        declaration, _, rest = text.partition("?>")
        return (declaration + "?>" + doctype + rest).encode()
    return (doctype + text).encode()


def test_entity_bomb_fails_at_once(
    make_workbook: Callable[..., Path], tmp_path: Path, contract: Contract
) -> None:
    def inject(name: str, data: bytes) -> bytes:
        if name == INFO_SHEET:
            assert b"<v>2016</v>" in data
            return with_doctype(data.replace(b"<v>2016</v>", b"<v>&lol9;</v>"), BOMB)
        return data

    path = rewrite(make_workbook(), tmp_path / "bomb.xlsx", inject)
    assert "DTD" in only_error(path, contract)


def test_dtd_anywhere_in_any_part_is_refused(
    make_workbook: Callable[..., Path], tmp_path: Path, contract: Contract
) -> None:
    def inject(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return with_doctype(data, '<!DOCTYPE Types SYSTEM "http://example.invalid/x.dtd">')
        return data

    path = rewrite(make_workbook(), tmp_path / "dtd.xlsx", inject)
    assert "DTD" in only_error(path, contract)


def test_million_row_sheet_is_refused_without_reading_it(
    make_workbook: Callable[..., Path], tmp_path: Path, contract: Contract
) -> None:
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 1_000_001))

    def inject(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet3.xml":
            head, _, _ = data.decode().partition("<sheetData>")
            return (head + "<sheetData>" + rows + "</sheetData></worksheet>").encode()
        return data

    path = rewrite(make_workbook(), tmp_path / "huge.xlsx", inject)
    assert path.stat().st_size < contract.form.limits.max_file_bytes
    assert "quá lớn" in only_error(path, contract)


def test_many_rows_under_the_byte_limit_are_refused_by_count(
    make_workbook: Callable[..., Path], contract: Contract
) -> None:
    def grow(book: object) -> None:
        sheet = book[contract.form.figures_sheet.name]  # type: ignore[index]
        sheet.cell(row=contract.form.limits.max_rows + 10, column=1, value="x")

    path = make_workbook(edit=grow)
    assert "dòng" in only_error(path, contract)


def test_unreadable_file_is_one_finding_among_others(
    make_workbook: Callable[..., Path], tmp_path: Path, contract: Contract
) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04garbage")
    submission, findings = read_submission(broken, contract)
    assert submission is None and len(findings) == 1
    good, findings = read_submission(make_workbook(), contract)
    assert good is not None and findings == []
