"""Opening a workbook safely: every way a file can be unreadable becomes one `WorkbookError`.

A workbook is a zip of XML parts that python-calamine trusts: the number of entries, the sizes
they declare, their CRCs, the DTD before a part's root element, the cell references of a sheet
(it allocates the whole area from A1 to the farthest cell). So the container is vetted first,
against the limits of `schemas/form.toml`: the entries are counted before the directory is
parsed, every part is inflated here counting the bytes it really yields, and a sheet's area is
measured from its XML before calamine is asked for it. A hostile file is refused at once, with
a message in Vietnamese, instead of hanging, filling memory or ending in a library's traceback.
"""

import contextlib
import io
import re
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ipstat.contract.model import Limits
from ipstat.errors import WorkbookError

Cell = object
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_DIRECTORY_ENTRY = b"PK\x01\x02"
_LOCAL_HEADER = b"PK\x03\x04"
_XML_PARTS = (".xml", ".rels", ".vml")
_CHUNK = 1 << 16
_RESAVE = "hãy mở tệp bằng Excel, lưu lại rồi gửi lại"


def _damaged(detail: str) -> WorkbookError:
    return WorkbookError(f"Tệp bị hỏng hoặc chưa tải về hết ({detail}); {_RESAVE}.")


def _too_big() -> WorkbookError:
    return WorkbookError(
        "Tệp chứa dữ liệu quá lớn so với một biểu báo cáo (có thể có hàng triệu dòng hoặc tệp "
        "bị hỏng); hãy xóa các dòng, trang tính thừa rồi gửi lại."
    )


class _Clock:
    """The time a workbook may take, checked between steps and while inflating."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise WorkbookError(
                f"Đọc tệp mất quá {self.seconds:g} giây, lâu bất thường với một biểu báo cáo "
                "(tệp quá lớn hoặc bị hỏng); hãy xóa các dòng, trang tính thừa, lưu lại bằng "
                "Excel rồi gửi lại."
            )


@dataclass(frozen=True)
class _Part:
    """Where one zip entry's compressed bytes are, and what they must inflate to."""

    name: str
    deflated: bool
    start: int
    packed: int
    size: int
    crc: int


@dataclass(frozen=True)
class RawWorkbook:
    """A workbook's sheets as rows of cell values (row 0 is Excel's row 1, column 0 is A)."""

    path: Path
    content: bytes
    book: Any
    limits: Limits
    parts: dict[str, _Part] = field(default_factory=dict, repr=False)
    clock: _Clock = field(default_factory=lambda: _Clock(60), repr=False)
    _formulas: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict, repr=False)
    _paths: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def sheet_names(self) -> list[str]:
        names: list[str] = self.book.sheet_names
        return names

    def rows(self, sheet: str) -> list[list[Cell]]:
        """The sheet as a dense table from A1, after its area was found within the limits."""
        self.clock.check()
        for part in self._sheet_parts(sheet):
            _bound_sheet(self._inflated(part), sheet, self.limits)
        self.clock.check()
        try:
            data = self.book.get_sheet_by_name(sheet)
            if data.total_height > self.limits.max_rows:
                raise WorkbookError(
                    f"Trang tính “{sheet}” có {data.total_height} dòng, quá giới hạn "
                    f"{self.limits.max_rows} dòng của biểu; hãy xóa các dòng thừa rồi gửi lại."
                )
            rows: list[list[Cell]] = data.to_python(skip_empty_area=False)
        except WorkbookError:
            raise
        except BaseException as exc:  # calamine's errors, and a Rust panic (a BaseException)
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise WorkbookError(
                f"Không đọc được trang tính “{sheet}”: {_calamine_reason(exc)}; {_RESAVE}."
            ) from exc
        self.clock.check()
        return rows

    def formula(self, sheet: str, cell: str) -> str | None:
        """The formula in a cell (`=SUM(D6:D8)`), if it has one; each sheet is parsed once."""
        if sheet not in self._formulas:
            found: dict[tuple[int, int], str] = {}
            for part in self._sheet_parts(sheet):
                found.update(_formulas(self._inflated(part)))
            self._formulas[sheet] = found
        position = _position(cell)
        return self._formulas[sheet].get(position) if position else None

    def _inflated(self, part: _Part) -> bytes:
        return b"".join(_inflate(self.content, part, self.clock))

    def _sheet_parts(self, sheet: str) -> list[_Part]:
        """The part calamine reads for a sheet, found as it finds it; if that cannot be
        resolved, every worksheet part (bounding too much is safe, too little is not)."""
        if not self._paths:
            self._paths.update(_sheet_paths(self))
        path = self._paths.get(sheet)
        if path is not None and path.lower() in self.parts:
            return [self.parts[path.lower()]]
        return [p for key, p in self.parts.items() if key.startswith("xl/worksheets/")]


def open_workbook(path: Path, limits: Limits) -> RawWorkbook:
    """Read and vet the file; raise `WorkbookError` with a message for the person who sent it."""
    clock = _Clock(limits.max_seconds)
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
    parts = _check_parts(content, limits, clock)
    clock.check()
    book = _load(content)
    clock.check()
    return RawWorkbook(path, content, book, limits, parts, clock)


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


def _check_parts(content: bytes, limits: Limits, clock: _Clock) -> dict[str, _Part]:
    """Every entry inflated once, its real size and CRC checked, its prolog scanned for a DTD."""
    parts = _directory(content, limits)
    if "xl/workbook.xml" not in parts:
        raise WorkbookError(
            "Tệp nén không chứa sổ làm việc Excel; hãy gửi đúng biểu mẫu dạng .xlsx."
        )
    for part in parts.values():
        scan = _Prolog() if part.name.lower().endswith(_XML_PARTS) else None
        done = scan is None
        for chunk in _inflate(content, part, clock):
            if not done:
                assert scan is not None
                done = scan.feed(chunk)
        if scan is not None and not scan.root:
            _parse_prolog(_inflate(content, part, clock), part.name)
    return parts


def _directory(content: bytes, limits: Limits) -> dict[str, _Part]:
    # Each entry of the central directory starts with its signature: counting them bounds
    # the entries before zipfile builds an object for each.
    if content.count(_DIRECTORY_ENTRY) > limits.max_entries:
        raise WorkbookError(
            f"Tệp nén chứa hơn {limits.max_entries} phần, bất thường với một biểu báo cáo "
            f"(tệp bị hỏng hoặc bị sửa bằng công cụ khác); {_RESAVE}."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except Exception as exc:  # whatever zipfile makes of a damaged directory
        raise _damaged("không đọc được danh mục tệp nén") from exc
    parts: dict[str, _Part] = {}
    total = 0
    for info in infos:
        key = info.filename.replace("\\", "/").lower()
        if key in parts:
            raise WorkbookError(
                f"Tệp chứa hai phần cùng tên “{_shown(info.filename)}”, không biết phần nào "
                f"mới đúng (tệp bị hỏng hoặc bị sửa bằng công cụ khác); {_RESAVE}."
            )
        total += info.file_size
        if info.file_size > limits.max_part_bytes or total > limits.max_total_bytes:
            raise _too_big()
        parts[key] = _part(content, info)
    return parts


def _part(content: bytes, info: zipfile.ZipInfo) -> _Part:
    name = _shown(info.filename)
    if info.flag_bits & 0x1:
        raise WorkbookError(f"Phần {name} của tệp được mã hóa; hãy bỏ mật khẩu rồi gửi lại.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise WorkbookError(f"Phần {name} được nén theo cách Excel không dùng; {_RESAVE}.")
    header = content[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or not header.startswith(_LOCAL_HEADER):
        raise _damaged(f"không tìm thấy phần {name}")
    start = (
        info.header_offset
        + 30
        + int.from_bytes(header[26:28], "little")
        + int.from_bytes(header[28:30], "little")
    )
    deflated = info.compress_type == zipfile.ZIP_DEFLATED
    if start + info.compress_size > len(content) or (
        not deflated and info.compress_size != info.file_size
    ):
        raise _damaged(f"phần {name} bị cắt cụt")
    return _Part(name, deflated, start, info.compress_size, info.file_size, info.CRC)


def _inflate(content: bytes, part: _Part, clock: _Clock) -> Iterator[bytes]:
    """The part's bytes, chunk by chunk; never more than it declares, and checked at the end."""
    packed = memoryview(content)[part.start : part.start + part.packed]
    crc = 0
    total = 0
    if part.deflated:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        pending: bytes | memoryview = packed
        while True:
            try:
                chunk = inflater.decompress(pending, _CHUNK)
            except zlib.error as exc:
                raise _damaged(f"dữ liệu nén của phần {part.name} sai") from exc
            progress = len(pending) - len(inflater.unconsumed_tail)
            pending = inflater.unconsumed_tail
            total += len(chunk)
            if total > part.size:
                raise WorkbookError(
                    f"Phần {part.name} giải nén ra nhiều dữ liệu hơn kích thước khai báo (tệp bị "
                    f"hỏng hoặc bị sửa bằng công cụ khác); {_RESAVE}."
                )
            crc = zlib.crc32(chunk, crc)
            clock.check()
            if chunk:
                yield chunk
            elif inflater.eof or not pending or not progress:
                break
        if not inflater.eof:
            raise _damaged(f"dữ liệu nén của phần {part.name} bị cắt cụt")
    else:
        for offset in range(0, part.packed, _CHUNK):
            chunk = bytes(packed[offset : offset + _CHUNK])
            total += len(chunk)
            crc = zlib.crc32(chunk, crc)
            clock.check()
            yield chunk
    if total != part.size or crc != part.crc:
        raise _damaged(f"phần {part.name} không khớp mã kiểm tra CRC")


def _shown(name: str) -> str:
    """A part name from the file, as it may be shown: short, without control characters."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in name)
    return clean if len(clean) <= 80 else clean[:77] + "…"


_DECLARATION_MAX = 1024
_NAME_START = re.compile(rb"[A-Za-z_:\x80-\xff]")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class _Prolog:
    """A byte scan of an XML part up to its root element, where a DTD would have to stand.

    The XML declaration, comments, processing instructions and whitespace are skipped in
    linear time whatever their length; `<!DOCTYPE` (or `<!ENTITY`) is refused. Anything the
    scan is not sure of (another encoding, a byte-order mark other than UTF-8's, text before
    the root) leaves `root` False: the part then goes through the parser (`_parse_prolog`).
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._state = "start"
        self.root = False

    def feed(self, chunk: bytes) -> bool:
        """True when the scan is over: the root was found, or the part is odd."""
        data = self._buffer + chunk
        position = 0
        while True:
            state = self._state
            if state == "start":
                if len(data) < 5 and len(chunk) > 0:
                    break
                if data.startswith(b"\xef\xbb\xbf"):
                    position = 3
                if data.startswith(b"<?xml", position):
                    end = data.find(b"?>", position)
                    if end < 0:
                        if len(data) > _DECLARATION_MAX:
                            return True
                        break
                    encoding = _ENCODING.search(data, position, end)
                    if encoding and encoding[1].lower() not in (b"utf-8", b"utf8"):
                        return True
                    position = end + 2
                self._state = "between"
            elif state == "between":
                while position < len(data) and data[position] in b" \t\r\n":
                    position += 1
                if position < len(data) and data[position] != ord("<"):
                    return True
                if len(data) - position < len(b"<!DOCTYPE"):
                    break
                if data.startswith(b"<!--", position):
                    self._state, position = "comment", position + 4
                elif data.startswith(b"<?", position):
                    self._state, position = "instruction", position + 2
                elif data.startswith((b"<!DOCTYPE", b"<!ENTITY"), position):
                    raise _dtd_error()
                elif _NAME_START.match(data, position + 1):
                    self.root = True
                    return True
                else:
                    return True
            else:
                closing = b"-->" if state == "comment" else b"?>"
                end = data.find(closing, position)
                if end < 0:  # keep what could begin the closing, but not the opening
                    self._buffer = data[max(position, len(data) - len(closing) + 1) :]
                    return False
                self._state, position = "between", end + len(closing)
        self._buffer = data[position:]
        return False


def _dtd_error() -> WorkbookError:
    return WorkbookError(
        "Tệp chứa khai báo DTD/thực thể XML, là dấu hiệu tệp bị sửa bằng công cụ khác hoặc độc "
        "hại; hãy mở bằng Excel, lưu lại rồi gửi lại."
    )


class _Growing(io.RawIOBase):
    """Hands the parser a few hundred bytes first, then twice as many each time: it stops
    near the root element of an ordinary part, and a long comment costs linear time."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""
        self._size = 512

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while len(self._pending) < self._size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._pending += chunk
        data, self._pending = self._pending[: self._size], self._pending[self._size :]
        self._size *= 2
        return data


def _parse_prolog(chunks: Iterator[bytes], name: str) -> None:
    """The parser's view of a part the byte scan was not sure of (`_Prolog`)."""
    from xml.etree.ElementTree import ParseError  # noqa: PLC0415

    from defusedxml import DefusedXmlException  # noqa: PLC0415
    from defusedxml.ElementTree import iterparse  # noqa: PLC0415

    source: IO[bytes] = _Growing(chunks)  # type: ignore[assignment]
    try:
        for _ in iterparse(source, events=("start",), forbid_dtd=True):
            return
    except DefusedXmlException as exc:
        raise _dtd_error() from exc
    except (ParseError, UnicodeError, LookupError) as exc:
        raise WorkbookError(f"Phần {name} của tệp bị hỏng (XML sai); {_RESAVE}.") from exc
    raise WorkbookError(f"Phần {name} của tệp bị hỏng (XML rỗng); {_RESAVE}.")


def _load(content: bytes) -> Any:
    from python_calamine import CalamineWorkbook  # noqa: PLC0415

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except BaseException as exc:  # calamine's errors, and a Rust panic (a BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise WorkbookError(
            f"Không đọc được sổ làm việc: {_calamine_reason(exc)}; {_RESAVE}."
        ) from exc


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


_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_REF = re.compile(r"[A-Za-z]{0,3}([0-9]{1,7})")
_TAG = re.compile(
    rb"</(?:[A-Za-z_][\w.-]*:)?row\s*>"
    rb"|<(?:[A-Za-z_][\w.-]*:)?(row|c|dimension)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_ATTRIBUTE = re.compile(rb"""([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _position(ref: str) -> tuple[int, int] | None:
    """`D40` → (39, 3), zero-based; None for what is not a cell of Excel's grid."""
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        return None
    column = 0
    for letter in match[1].upper():
        column = column * 26 + ord(letter) - 64
    row = int(match[2])
    if not (1 <= row <= 1_048_576 and column <= 16_384):
        return None
    return row - 1, column - 1


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for match in _ATTRIBUTE.finditer(raw):
        if match[1] in found:
            raise _damaged("một ô có hai thuộc tính trùng tên")
        found[match[1]] = match[2] if match[2] is not None else match[3]
    return found


def _bound_sheet(xml: bytes, sheet: str, limits: Limits) -> None:
    """The sheet's declared dimension and the place of every cell (as calamine places cells
    with and without `r`) within the limits, before calamine allocates the area from A1."""
    rows, columns, cells = limits.max_rows, limits.max_columns, limits.max_cells
    row = column = 0
    last_row = last_column = -1
    tags = 0
    for match in _TAG.finditer(xml):
        tags += 1
        if tags > 2 * cells + rows:
            raise WorkbookError(
                f"Trang tính “{sheet}” có quá nhiều ô (hơn {cells} ô) so với một biểu báo cáo; "
                "hãy xóa các dòng, cột thừa rồi gửi lại."
            )
        name = match[1]
        if name is None:  # </row>
            row, column = row + 1, 0
            continue
        raw = match[2]
        attributes = _attributes(raw)
        ref = attributes.get(b"ref" if name == b"dimension" else b"r")
        text = ref.decode("latin-1") if ref is not None else None
        if name == b"dimension":
            _bound_dimension(text or "", sheet, limits)
        elif name == b"row":
            if text is not None:
                found = _ROW_REF.fullmatch(text)
                if found is None or not 1 <= int(found[1]) <= 1_048_576:
                    raise _bad_reference(sheet, text)
                row = int(found[1]) - 1
            if raw.endswith(b"/"):
                row, column = row + 1, 0
        else:
            if text is not None:
                position = _position(text)
                if position is None:
                    raise _bad_reference(sheet, text)
                column = position[1]
                place = position
            else:
                place = (row, column)
            column += 1
            if raw.endswith(b"/"):
                continue  # an empty cell: calamine keeps no value for it
            if place[0] >= rows or place[1] >= columns:
                raise _outside(sheet, place, limits)
            last_row, last_column = max(last_row, place[0]), max(last_column, place[1])
    if (last_row + 1) * (last_column + 1) > cells:
        raise WorkbookError(
            f"Trang tính “{sheet}” dùng vùng {last_row + 1} dòng × {last_column + 1} cột, quá "
            f"giới hạn {cells} ô của biểu; hãy xóa các dòng, cột thừa rồi gửi lại."
        )


def _bound_dimension(ref: str, sheet: str, limits: Limits) -> None:
    ends = [_position(corner) for corner in ref.split(":")]
    if not ref or len(ends) > 2 or None in ends:
        raise _bad_reference(sheet, ref)
    row, column = max(e[0] for e in ends if e), max(e[1] for e in ends if e)
    if row >= limits.max_rows or column >= limits.max_columns:
        raise WorkbookError(
            f"Trang tính “{sheet}” khai báo vùng dữ liệu {_shown(ref)} ({row + 1} dòng, "
            f"{column + 1} cột), quá giới hạn {limits.max_rows} dòng × {limits.max_columns} cột "
            "của biểu; hãy xóa các dòng, cột thừa (cả định dạng) rồi lưu lại bằng Excel."
        )


def _outside(sheet: str, place: tuple[int, int], limits: Limits) -> WorkbookError:
    from ipstat.reading.reader import a1  # noqa: PLC0415

    return WorkbookError(
        f"Trang tính “{sheet}” có ô {a1(*place)} ở dòng {place[0] + 1}, cột {place[1] + 1}, ngoài "
        f"giới hạn {limits.max_rows} dòng × {limits.max_columns} cột của biểu; hãy xóa các "
        "dòng, cột thừa rồi gửi lại."
    )


def _bad_reference(sheet: str, ref: str) -> WorkbookError:
    return WorkbookError(
        f"Trang tính “{sheet}” có tham chiếu ô “{_shown(ref[:20])}” không hợp lệ (tệp bị hỏng "
        f"hoặc bị sửa bằng công cụ khác); {_RESAVE}."
    )


def _sheet_paths(book: RawWorkbook) -> dict[str, str]:
    """Sheet name → part, resolved from the workbook and its relationships as calamine does."""
    from xml.parsers import expat  # noqa: PLC0415

    sheets: list[tuple[str, str]] = []
    targets: dict[str, str] = {}

    def sheet(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "sheet":
            rel = attributes.get("r:id") or attributes.get("relationships:id") or ""
            sheets.append((attributes.get("name", ""), rel))
        elif local == "Relationship":
            targets[attributes.get("Id", "")] = attributes.get("Target", "")

    for key in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if key not in book.parts:
            continue
        parser = expat.ParserCreate()
        parser.StartElementHandler = sheet
        try:
            parser.Parse(book._inflated(book.parts[key]), True)
        except expat.ExpatError:
            return {}
    paths: dict[str, str] = {}
    for name, rel in sheets:
        target = targets.get(rel)
        if target is None:
            continue
        if target.startswith("/xl/"):
            paths[name] = target[1:]
        elif target.startswith("xl/"):
            paths[name] = target
        else:
            paths[name] = f"xl/{target}"
    return paths


def _formulas(xml: bytes) -> dict[tuple[int, int], str]:
    """Every cell's formula, placed as calamine places cells; a shared formula's followers get
    the leader's formula moved to their place."""
    from xml.parsers import expat  # noqa: PLC0415

    found: dict[tuple[int, int], str] = {}
    leaders: dict[str, tuple[str, tuple[int, int]]] = {}
    state: dict[str, Any] = {"row": 0, "column": 0, "cell": None, "formula": None}

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            ref = _ROW_REF.fullmatch(attributes.get("r", ""))
            if ref:
                state["row"] = int(ref[1]) - 1
        elif local == "c":
            place = _position(attributes.get("r", ""))
            if place is None:
                place = (state["row"], state["column"])
            state["cell"], state["column"] = place, place[1] + 1
        elif local == "f" and state["cell"] is not None:
            state["formula"] = ([], attributes)

    def text(data: str) -> None:
        if state["formula"] is not None:
            state["formula"][0].append(data)

    def end(name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            state["row"], state["column"] = state["row"] + 1, 0
        elif local == "f" and state["formula"] is not None:
            parts, attributes = state["formula"]
            state["formula"] = None
            formula, place, shared = "".join(parts), state["cell"], attributes.get("si")
            if formula and shared is not None and attributes.get("t") == "shared":
                leaders[shared] = (formula, place)
            elif not formula and shared in leaders:
                formula = _moved(*leaders[shared], place)
            if formula:
                found[place] = "=" + formula

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    with contextlib.suppress(expat.ExpatError):
        parser.Parse(xml, True)
    return found


def _moved(formula: str, origin: tuple[int, int], place: tuple[int, int]) -> str:
    """A shared formula as it reads in another cell (relative references move with it)."""
    from ipstat.reading.reader import a1  # noqa: PLC0415

    try:
        from openpyxl.formula.translate import Translator  # noqa: PLC0415

        moved: str = Translator("=" + formula, a1(*origin)).translate_formula(a1(*place))
    except Exception:
        return formula
    return moved[1:]
