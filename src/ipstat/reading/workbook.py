"""Opening a workbook safely: every way a file can be unreadable becomes one `WorkbookError`.

The checks run on the bytes before the reader sees them, so a hostile file (an entity bomb,
a zip bomb, a million-row sheet) is refused at once instead of hanging or filling memory.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ipstat.contract.model import Limits
from ipstat.errors import WorkbookError

Cell = object
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class RawWorkbook:
    """A workbook's sheets as rows of cell values (row 0 is Excel's row 1, column 0 is A)."""

    path: Path
    content: bytes
    book: Any
    limits: Limits

    @property
    def sheet_names(self) -> list[str]:
        names: list[str] = self.book.sheet_names
        return names

    def rows(self, sheet: str) -> list[list[Cell]]:
        from python_calamine import CalamineError  # noqa: PLC0415

        try:
            data = self.book.get_sheet_by_name(sheet)
            if data.total_height > self.limits.max_rows:
                raise WorkbookError(
                    f"Trang tính “{sheet}” có {data.total_height} dòng, quá giới hạn "
                    f"{self.limits.max_rows} dòng của biểu; hãy xóa các dòng thừa rồi gửi lại."
                )
            rows: list[list[Cell]] = data.to_python(skip_empty_area=False)
        except CalamineError as exc:
            raise WorkbookError(f"Không đọc được trang tính “{sheet}”: {exc}") from exc
        return rows


def open_workbook(path: Path, limits: Limits) -> RawWorkbook:
    """Read and vet the file; raise `WorkbookError` with a message for the person who sent it."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise WorkbookError(
                f"Tệp nặng {size // 1_000_000} MB, quá lớn cho một biểu báo cáo; "
                "hãy xóa các trang tính và hình ảnh thừa rồi gửi lại."
            )
        content = path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"Không mở được tệp: {exc.strerror or exc}") from exc
    _check_container(content)
    _check_parts(content, limits)
    return RawWorkbook(path, content, _load(content), limits)


def _check_container(content: bytes) -> None:
    if not content:
        raise WorkbookError("Tệp rỗng (0 byte); hãy lưu lại biểu bằng Excel rồi gửi lại.")
    if content.startswith(_OLE_MAGIC):
        if _ENCRYPTED in content:
            raise WorkbookError(
                "Tệp được đặt mật khẩu; hãy bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) "
                "rồi gửi lại."
            )
        raise WorkbookError(
            "Đây là tệp Excel cũ (.xls) được đổi tên thành .xlsx; hãy mở bằng Excel và chọn "
            "Lưu thành > Sổ làm việc Excel (.xlsx)."
        )
    if not content.startswith(b"PK"):
        raise WorkbookError(
            "Tệp không phải là sổ làm việc Excel (.xlsx); hãy gửi đúng biểu mẫu dạng .xlsx."
        )


def _check_parts(content: bytes, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > limits.max_total_bytes or any(
                info.file_size > limits.max_part_bytes for info in infos
            ):
                raise WorkbookError(
                    "Tệp chứa dữ liệu quá lớn so với một biểu báo cáo (có thể có hàng triệu dòng "
                    "hoặc tệp bị hỏng); hãy xóa các dòng, trang tính thừa rồi gửi lại."
                )
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise WorkbookError(
                    "Tệp nén không chứa sổ làm việc Excel; hãy gửi đúng biểu mẫu dạng .xlsx."
                )
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        _refuse_dtd(part, info.filename)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise WorkbookError(
            "Tệp bị hỏng hoặc chưa tải về hết (không giải nén được); hãy lưu lại và gửi lại."
        ) from exc
    except (OSError, ValueError) as exc:  # zlib errors, CRC mismatch
        raise WorkbookError(f"Tệp bị hỏng ({exc}); hãy lưu lại bằng Excel và gửi lại.") from exc


class _Trickle(io.RawIOBase):
    """Hands the parser a few hundred bytes at a time, so it stops near the root element
    instead of parsing a whole sheet."""

    def __init__(self, source: IO[bytes], size: int = 512) -> None:
        self._source = source
        self._size = size

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._source.read(self._size)


def _refuse_dtd(part: IO[bytes], name: str) -> None:
    """A DTD can only stand before the root element, so parsing up to it is enough."""
    from xml.etree.ElementTree import ParseError  # noqa: PLC0415

    from defusedxml import DefusedXmlException  # noqa: PLC0415
    from defusedxml.ElementTree import iterparse  # noqa: PLC0415

    try:
        for _ in iterparse(_Trickle(part), events=("start",), forbid_dtd=True):
            return
    except DefusedXmlException as exc:
        raise WorkbookError(
            f"Tệp chứa khai báo DTD/thực thể XML trong {name}, là dấu hiệu tệp bị sửa bằng công "
            "cụ khác hoặc độc hại; hãy mở bằng Excel, lưu lại rồi gửi lại."
        ) from exc
    except ParseError as exc:
        raise WorkbookError(
            f"Phần {name} của tệp bị hỏng (XML sai); hãy lưu lại bằng Excel."
        ) from exc


def _load(content: bytes) -> Any:
    from python_calamine import CalamineError, CalamineWorkbook  # noqa: PLC0415

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except CalamineError as exc:
        raise WorkbookError(f"Không đọc được sổ làm việc: {exc}") from exc


def formula_at(content: bytes, sheet: str, cell: str) -> str | None:
    """The formula in a cell, if it has one. Only asked when a value is empty: loads openpyxl."""
    import openpyxl  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        value = book[sheet][cell].value
    except Exception:
        return None
    return value if isinstance(value, str) and value.startswith("=") else None
