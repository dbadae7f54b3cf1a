"""Opening a workbook safely: every way a file can be unreadable becomes one `WorkbookError`.

python-calamine reads the cells, but it trusts the file: the container is vetted first
(`container.py`: entries, declared sizes, CRCs, DTDs) and each sheet is read once from its XML
(`sheetscan.py`: its area bounded as calamine would place its cells, its formulas, error values
and styles kept) before calamine is asked for it, against the limits of `schemas/form.toml` and
within their time. A hostile file is refused at once, with a message in Vietnamese, instead of
hanging, filling memory or ending in a library's traceback.
"""

import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

from ipstat.base.errors import WorkbookError, os_error_text
from ipstat.base.text import fold
from ipstat.contract.catalogue import Limits
from ipstat.reading.container import ODS_ROOT, RESAVE, Clock, Part, check_parts, inflate
from ipstat.reading.legacy_formats import PASSWORD, Fonts, ods_extent, xls_fonts
from ipstat.reading.sheetscan import Place, SheetScan, local, scan_sheet, walk
from ipstat.reading.styles import Styles, read_styles

Cell = object
Kind = Literal["xlsx", "xls", "ods"]
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


class RawWorkbook:
    """A workbook's sheets as rows of cell values (row 0 is Excel's row 1, column 0 is A)."""

    def __init__(
        self,
        path: Path,
        content: bytes,
        book: Any,
        limits: Limits,
        *,
        parts: dict[str, Part] | None = None,
        clock: Clock | None = None,
        kind: Kind = "xlsx",
        legacy_fonts: Fonts | None = None,
        modified: float = 0.0,
    ) -> None:
        self.path = path
        self.modified = modified  # when the file read was last written (its mtime)
        self.content = content
        self.book = book
        self.limits = limits
        self.parts = parts or {}
        self.clock = clock or Clock(limits.max_seconds)
        self.kind = kind
        # `.xls`: the text cells set in a TCVN3 or VNI font, by sheet (xlrd reads the styles).
        self.legacy_fonts = legacy_fonts or {}
        self._scans: dict[str, SheetScan] = {}

    @property
    def sheet_names(self) -> list[str]:
        names: list[str] = self.book.sheet_names
        return names

    def has_sheet(self, name: str) -> bool:
        """A sheet of that name, compared as the contract compares names (`CHI TIEU`)."""
        return any(fold(n) == fold(name) for n in self.sheet_names)

    @cached_property
    def styles(self) -> Styles:
        part = self.parts.get("xl/styles.xml")
        return read_styles(self._inflated(part)) if part is not None else Styles()

    def scan(self, sheet: str) -> SheetScan:
        """The sheet's one reading (`sheetscan.py`), before calamine reads it: every part
        calamine may read for it is bounded. An `.xls` or `.ods` has none: its whole file was
        bounded when opened, since calamine reads it whole."""
        if sheet not in self._scans:
            self.clock.check()
            scans = [
                scan_sheet(self._inflated(self.parts[key]), sheet, self.limits, self.styles.wanted)
                for key in self._sheet_parts(sheet)
            ]
            self._scans[sheet] = scans[0] if scans else SheetScan()
            self.clock.check()
        return self._scans[sheet]

    def rows(self, sheet: str) -> list[list[Cell]]:
        """The sheet as a dense table from A1, once its area was found within the limits."""
        scan = self.scan(sheet)
        book = self._readable(sheet, scan) if scan.unknown_errors else self.book
        with _calamine(f"trang tính “{sheet}”"):
            rows: list[list[Cell]] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        self.clock.check()
        return rows

    def merges(self, sheet: str) -> list[tuple[Place, Place]]:
        """The sheet's merged ranges, by their corners: from the sheet's one reading for an
        `.xlsx`, from calamine for an `.xls` (read whole when opened); an `.ods` gives none."""
        if self.kind == "xlsx":
            return self.scan(sheet).merges
        if self.kind == "xls":
            with _calamine(f"trang tính “{sheet}”"):
                found = self.book.get_sheet_by_name(sheet).merged_cell_ranges or []
            return [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in found]
        return []

    def hidden_sheets(self) -> set[str]:
        try:
            return {
                m.name for m in self.book.sheets_metadata if not str(m.visible).endswith("Visible")
            }
        except AttributeError:
            return set()

    def _inflated(self, part: Part) -> bytes:
        return b"".join(inflate(self.content, part, self.clock))

    @cached_property
    def _sheet_paths(self) -> dict[str, list[str]]:
        names = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
        if not set(names) <= self.parts.keys():
            return {}
        return sheet_paths(*(self._inflated(self.parts[name]) for name in names))

    def _sheet_parts(self, sheet: str) -> list[str]:
        """The parts calamine may read for a sheet (their keys in `parts`), found as it finds
        them, its choice first. If none can be resolved: every part calamine could read as a
        worksheet (bounding too much is safe, too little is not)."""
        if self.kind != "xlsx":
            return []
        paths = [path.lower() for path in self._sheet_paths.get(sheet, [])]
        resolved = [path for path in paths if path in self.parts]
        return resolved or [key for key in self.parts if key.startswith("xl/worksheets/")]

    def _readable(self, sheet: str, scan: SheetScan) -> Any:
        """A copy of the workbook whose sheet reads `#N/A` where calamine knows no error value
        (`#GETTING_DATA`): calamine would refuse the whole sheet for it."""
        key = self._sheet_parts(sheet)[0]
        patched = scan.readable(self._inflated(self.parts[key]))
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(self.content)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
        ):
            for info in source.infolist():
                same = info.filename.replace("\\", "/").lower() == key
                copy.writestr(info.filename, patched if same else source.read(info))
        return _load(out.getvalue())


@lru_cache(maxsize=4)  # the members' workbooks come from one form: the same two parts
def sheet_paths(workbook: bytes, relationships: bytes) -> dict[str, list[str]]:
    """Sheet name → the parts it may be read from, resolved as calamine resolves them (a target
    under `/xl/` or `xl/` as is, any other under `xl/`), calamine's choice first. A name given
    twice, or an id with two targets, gives every candidate: each one is bounded."""
    sheets: list[tuple[str, list[str]]] = []
    targets: dict[str, list[str]] = {}

    def start(name: str, attributes: dict[str, str]) -> None:
        what = local(name)
        if what == "sheet":  # its `r:id`, or an `id` under any prefix, the last one given
            ids = [v for k, v in attributes.items() if k.rpartition(":")[2] == "id"][-1:]
            sheets.append((attributes.get("name", ""), ids))
        elif what == "Relationship":
            targets.setdefault(attributes.get("Id", ""), []).append(attributes.get("Target", ""))

    try:
        walk(workbook, "sổ làm việc", start)
        walk(relationships, "danh mục trang tính", start)
    except WorkbookError:
        return {}  # calamine says what is wrong with them
    paths: dict[str, list[str]] = {}
    for name, ids in sheets:  # calamine takes a name's first sheet, an id's last target
        for rel in reversed(ids):
            for target in reversed(targets.get(rel, [])):
                path = target[1:] if target.startswith("/xl/") else target
                paths.setdefault(name, []).append(path if path.startswith("xl/") else f"xl/{path}")
    return paths


def open_workbook(path: Path, limits: Limits) -> RawWorkbook:
    """Read and vet the file; raise `WorkbookError` with a message for the person who sent it."""
    clock = Clock(limits.max_seconds)
    try:
        with path.open("rb") as file:  # its size, time and bytes of one opening
            found = os.fstat(file.fileno())
            if found.st_size > limits.max_file_bytes:
                raise WorkbookError(
                    f"Tệp nặng {found.st_size // 1_000_000} MB, quá lớn cho một biểu báo cáo; "
                    "hãy xóa các trang tính và hình ảnh thừa rồi gửi lại."
                )
            content = file.read()
    except OSError as exc:
        raise WorkbookError(f"Không mở được tệp: {os_error_text(exc)}.") from exc
    kind = _kind(content, path)
    if kind == "xls":
        fonts = xls_fonts(content, limits)
        clock.check()
        return RawWorkbook(
            path,
            content,
            _load(content),
            limits,
            clock=clock,
            kind=kind,
            legacy_fonts=fonts,
            modified=found.st_mtime,
        )
    parts = check_parts(content, limits, clock, ODS_ROOT if kind == "ods" else "xl/workbook.xml")
    if kind == "ods":
        _check_ods(content, parts, limits, clock)
    clock.check()
    book = _load(content)
    clock.check()
    return RawWorkbook(
        path, content, book, limits, parts=parts, clock=clock, kind=kind, modified=found.st_mtime
    )


def _check_ods(content: bytes, parts: dict[str, Part], limits: Limits, clock: Clock) -> None:
    """An `.ods` has no sheet parts of its own to bound: its one `content.xml` is scanned."""
    manifest = parts.get("meta-inf/manifest.xml")
    if manifest is not None and b"encryption-data" in b"".join(inflate(content, manifest, clock)):
        raise WorkbookError(PASSWORD)
    ods_extent(b"".join(inflate(content, parts[ODS_ROOT], clock)), limits)


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
