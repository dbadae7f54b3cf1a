"""Opening a workbook safely: every way a file can be unreadable becomes one `WorkbookError`.

python-calamine reads the cells, but it trusts the file: the container is vetted first
(`container.py`: entries, inflated sizes, CRCs, DTDs) and each sheet's area is bounded from its
XML before calamine is asked for it (`sheetarea.py`), against the limits of `schemas/form.toml`
and within their time. A hostile file is refused at once, with a message in Vietnamese, instead
of hanging, filling memory or ending in a library's traceback.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ipstat.contract.model import Limits
from ipstat.errors import WorkbookError, os_error_text
from ipstat.reading.container import ODS_ROOT, RESAVE, Clock, Part, check_parts, inflate
from ipstat.reading.legacy_formats import PASSWORD, Fonts, ods_extent, xls_fonts
from ipstat.reading.sheetarea import Place, bound_sheet, formulas, position, sheet_paths

Cell = object
Kind = Literal["xlsx", "xls", "ods"]
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class RawWorkbook:
    """A workbook's sheets as rows of cell values (row 0 is Excel's row 1, column 0 is A)."""

    path: Path
    content: bytes
    book: Any
    limits: Limits
    parts: dict[str, Part] = field(default_factory=dict, repr=False)
    clock: Clock = field(default_factory=lambda: Clock(60), repr=False)
    _formulas: dict[str, dict[Place, str]] = field(default_factory=dict, repr=False)
    _paths: dict[str, list[str]] = field(default_factory=dict, repr=False)
    kind: Kind = "xlsx"
    # `.xls`: the text cells set in a TCVN3 or VNI font, by sheet (xlrd reads the styles).
    legacy_fonts: Fonts = field(default_factory=dict, repr=False)

    @property
    def sheet_names(self) -> list[str]:
        names: list[str] = self.book.sheet_names
        return names

    def rows(self, sheet: str) -> list[list[Cell]]:
        """The sheet as a dense table from A1, after its area was found within the limits."""
        self.clock.check()
        for part in self._sheet_parts(sheet):
            bound_sheet(self._inflated(part), sheet, self.limits)
        self.clock.check()
        with _calamine(f"trang tính “{sheet}”"):
            data = self.book.get_sheet_by_name(sheet)
            if data.total_height > self.limits.max_rows:
                raise WorkbookError(
                    f"Trang tính “{sheet}” có {data.total_height} dòng, quá giới hạn "
                    f"{self.limits.max_rows} dòng của biểu; hãy xóa các dòng thừa rồi gửi lại."
                )
            rows: list[list[Cell]] = data.to_python(skip_empty_area=False)
        self.clock.check()
        return rows

    def formula(self, sheet: str, cell: str) -> str | None:
        """The formula in a cell (`=SUM(D6:D8)`), if it has one; each sheet is parsed once."""
        if sheet not in self._formulas:
            found: dict[Place, str] = {}
            try:
                for part in self._sheet_parts(sheet, exact=True):
                    found.update(formulas(self._inflated(part), sheet, self.limits))
            except WorkbookError:  # `rows` refused the sheet already: there is nothing to add
                found = {}
            self._formulas[sheet] = found
        place = position(cell)
        return self._formulas[sheet].get(place) if place else None

    def _inflated(self, part: Part) -> bytes:
        return b"".join(inflate(self.content, part, self.clock))

    def _sheet_parts(self, sheet: str, exact: bool = False) -> list[Part]:
        """The parts calamine may read for a sheet, found as it finds them. If none can be
        resolved: every part calamine could read as a worksheet (bounding too much is safe,
        too little is not). `exact`: only calamine's choice, if it is known."""
        if (
            not self._paths
            and {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"} <= self.parts.keys()
        ):
            found = sheet_paths(
                self._inflated(self.parts["xl/workbook.xml"]),
                self._inflated(self.parts["xl/_rels/workbook.xml.rels"]),
            )
            self._paths.update(found)
        paths = [path.lower() for path in self._paths.get(sheet, [])]
        if exact:
            return [self.parts[paths[0]]] if paths and paths[0] in self.parts else []
        resolved = [self.parts[path] for path in paths if path in self.parts]
        if resolved:
            return resolved
        return [p for key, p in self.parts.items() if key.startswith("xl/worksheets/")]


def open_workbook(path: Path, limits: Limits) -> RawWorkbook:
    """Read and vet the file; raise `WorkbookError` with a message for the person who sent it."""
    clock = Clock(limits.max_seconds)
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise WorkbookError(
                f"Tệp nặng {size // 1_000_000} MB, quá lớn cho một biểu báo cáo; "
                "hãy xóa các trang tính và hình ảnh thừa rồi gửi lại."
            )
        content = path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"Không mở được tệp: {os_error_text(exc)}.") from exc
    kind = _kind(content, path)
    if kind == "xls":
        fonts = xls_fonts(content, limits.max_rows, limits.max_columns)
        clock.check()
        return RawWorkbook(
            path, content, _load(content), limits, clock=clock, kind=kind, legacy_fonts=fonts
        )
    parts = check_parts(content, limits, clock, ODS_ROOT if kind == "ods" else "xl/workbook.xml")
    if kind == "ods":
        _check_ods(content, parts, limits, clock)
    clock.check()
    book = _load(content)
    clock.check()
    return RawWorkbook(path, content, book, limits, parts, clock, kind=kind)


def _check_ods(content: bytes, parts: dict[str, Part], limits: Limits, clock: Clock) -> None:
    """An `.ods` has no sheet parts of its own to bound: its one `content.xml` is scanned."""
    manifest = parts.get("meta-inf/manifest.xml")
    if manifest is not None and b"encryption-data" in b"".join(inflate(content, manifest, clock)):
        raise WorkbookError(PASSWORD)
    table = b"".join(inflate(content, parts[ODS_ROOT], clock))
    ods_extent(io.BytesIO(table), limits.max_rows, limits.max_columns)


def _kind(content: bytes, path: Path) -> Kind:
    """The format by the content, the extension only telling `.ods` from `.xlsx` zips: a file
    whose extension lies about an older format is refused with what to do."""
    if not content:
        raise WorkbookError("Tệp rỗng (0 byte); hãy lưu lại biểu bằng Excel rồi gửi lại.")
    suffix = path.suffix.lower()
    if content.startswith(_OLE_MAGIC):
        if _ENCRYPTED in content:
            raise WorkbookError(PASSWORD)
        if suffix == ".xls":
            return "xls"
        raise WorkbookError(
            f"Đây là tệp Excel cũ (.xls) được đổi tên thành {suffix or 'tệp không đuôi'}; hãy mở "
            "bằng Excel và chọn Lưu thành > Sổ làm việc Excel (.xlsx)."
        )
    if not content.startswith(b"PK"):
        raise WorkbookError(
            "Tệp không phải là sổ làm việc Excel (.xlsx, .xls) hay bảng tính .ods; hãy gửi đúng "
            "biểu mẫu dạng .xlsx."
        )
    # A zip is what its parts say (their names stand uncompressed in the local headers): a
    # real .xlsx named .ods, or the other way round, is read as what it is.
    if b"xl/workbook.xml" in content:
        return "xlsx"
    if b"content.xml" in content and b"opendocument.spreadsheet" in content:
        return "ods"
    return "ods" if suffix == ".ods" else "xlsx"


def _load(content: bytes) -> Any:
    from python_calamine import CalamineWorkbook  # noqa: PLC0415

    with _calamine("sổ làm việc"):
        return CalamineWorkbook.from_filelike(io.BytesIO(content))


@contextmanager
def _calamine(what: str) -> Iterator[None]:
    """calamine's errors, and a Rust panic (a BaseException), as a `WorkbookError` about `what`
    in words a clerk can act on."""
    try:
        yield
    except (WorkbookError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise WorkbookError(f"Không đọc được {what}: {_calamine_reason(exc)}; {RESAVE}.") from exc


def _calamine_reason(exc: BaseException) -> str:
    """What went wrong, in Vietnamese: calamine's own text is English and for developers."""
    text = str(exc).lower()
    if "checksum" in text or "crc" in text:
        return "dữ liệu nén bị hỏng (sai mã kiểm tra CRC)"
    if "entity" in text or "character reference" in text:
        return "có ký hiệu thực thể XML (dạng &…;) không hợp lệ"
    if "password" in text or "encrypt" in text:
        return "tệp được đặt mật khẩu"
    if "zip" in text or "deflate" in text or "i/o" in text:
        return "không giải nén được"
    if "xml" in text or "eof" in text:
        return "nội dung XML sai"
    return "cấu trúc tệp không đúng định dạng Excel"
