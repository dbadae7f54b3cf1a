"""A workbook's zip, vetted before python-calamine trusts it.

calamine believes what a zip says: how many entries, how big each is once inflated, its CRC,
and what stands before each XML part's root element. Here the entries are counted before the
directory is parsed, names must be unique (as calamine finds them, in any case), every part is
inflated once counting the bytes it really yields against `schemas/form.toml`'s limits and
checked against its CRC, and each XML part's prolog is scanned for a DTD. Each way to fail is
a `WorkbookError` with a message in Vietnamese.
"""

import io
import re
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import IO

from ipstat.base.errors import WorkbookError
from ipstat.base.formatting import format_number
from ipstat.contract.catalogue import Limits

_DIRECTORY_ENTRY = b"PK\x01\x02"
_LOCAL_HEADER = b"PK\x03\x04"
_XML_PARTS = (".xml", ".rels", ".vml")
_CHUNK = 1 << 16
# Parts a workbook reads again (its sheets, styles, relationships) are kept once inflated, up
# to this many bytes in all: a form's are a few tens of kilobytes.
KEPT_BYTES = 4_000_000
RESAVE = "hãy mở tệp bằng Excel, lưu lại rồi gửi lại"


def damaged(detail: str) -> WorkbookError:
    return WorkbookError(f"Tệp bị hỏng hoặc chưa tải về hết ({detail}); {RESAVE}.")


def _too_big(part: str, size: int, total: int, limits: Limits) -> WorkbookError:
    """An honest file, only far larger than a form: said with its sizes, not as damage."""
    if size > limits.max_part_bytes:
        what = f"phần “{shown(part)}” của tệp giải nén ra {_megabytes(size)}"
        limit = f"giới hạn {_megabytes(limits.max_part_bytes)} một phần"
    else:
        what = f"các phần của tệp giải nén ra hơn {_megabytes(total)}"
        limit = f"giới hạn {_megabytes(limits.max_total_bytes)} cả tệp"
    return WorkbookError(
        f"Tệp quá lớn so với một biểu báo cáo (vài chục KB): {what}, vượt {limit}. Có lẽ tệp "
        "có rất nhiều dòng, trang tính hoặc hình ảnh lớn; hãy xóa những phần thừa rồi gửi lại."
    )


def _megabytes(size: int) -> str:
    return f"{format_number(Decimal(size) / 1_000_000)} MB"


class Clock:
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
class Part:
    """Where one zip entry's compressed bytes are, and what they must inflate to."""

    name: str
    deflated: bool
    start: int
    packed: int
    size: int
    crc: int
    # Its bytes, inflated and checked once, where small enough to keep (KEPT_BYTES).
    data: bytes | None = field(default=None, repr=False, compare=False)


ODS_ROOT = "content.xml"


def check_parts(
    content: bytes, limits: Limits, clock: Clock, root: str = "xl/workbook.xml"
) -> dict[str, Part]:
    """Every entry inflated once, its real size and CRC checked, its prolog scanned for a DTD.
    `root` is the part the format cannot be without (`content.xml` for an `.ods`)."""
    parts = _directory(content, limits)
    if root not in parts:
        what = "bảng tính OpenDocument (.ods)" if root == ODS_ROOT else "sổ làm việc Excel"
        raise WorkbookError(f"Tệp nén không chứa {what}; hãy gửi đúng biểu mẫu dạng .xlsx.")
    kept = 0
    for key, part in parts.items():
        # Every part is scanned: calamine parses a sheet under any name its relationship
        # gives. One that does not look like XML needs the parser only if it is named so.
        scan = _Prolog()
        done = False
        keep = kept + part.size <= KEPT_BYTES
        chunks = []
        for chunk in inflate(content, part, clock):
            done = done or scan.feed(chunk)
            if keep:
                chunks.append(chunk)
        if not scan.root and part.name.lower().endswith(_XML_PARTS):
            _parse_prolog(inflate(content, part, clock), part.name)
        if keep:
            kept += part.size
            parts[key] = replace(part, data=b"".join(chunks))
    return parts


def _directory(content: bytes, limits: Limits) -> dict[str, Part]:
    # Each entry of the central directory starts with its signature: counting them bounds
    # the entries before zipfile builds an object for each.
    if content.count(_DIRECTORY_ENTRY) > limits.max_entries:
        raise WorkbookError(
            f"Tệp nén chứa hơn {limits.max_entries} phần, bất thường với một biểu báo cáo "
            f"(tệp bị hỏng hoặc bị sửa bằng công cụ khác); {RESAVE}."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except Exception as exc:  # whatever zipfile makes of a damaged directory
        raise damaged("không đọc được danh mục tệp nén") from exc
    parts: dict[str, Part] = {}
    total = 0
    for info in infos:
        key = info.filename.replace("\\", "/").lower()
        if key in parts:
            raise WorkbookError(
                f"Tệp chứa hai phần cùng tên “{shown(info.filename)}”, không biết phần nào "
                f"mới đúng (tệp bị hỏng hoặc bị sửa bằng công cụ khác); {RESAVE}."
            )
        total += info.file_size
        if info.file_size > limits.max_part_bytes or total > limits.max_total_bytes:
            raise _too_big(info.filename, info.file_size, total, limits)
        parts[key] = _part(content, info)
    return parts


def _part(content: bytes, info: zipfile.ZipInfo) -> Part:
    name = shown(info.filename)
    if info.flag_bits & 0x1:
        raise WorkbookError(f"Phần {name} của tệp được mã hóa; hãy bỏ mật khẩu rồi gửi lại.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise WorkbookError(f"Phần {name} được nén theo cách Excel không dùng; {RESAVE}.")
    header = content[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or not header.startswith(_LOCAL_HEADER):
        raise damaged(f"không tìm thấy phần {name}")
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
        raise damaged(f"phần {name} bị cắt cụt")
    return Part(name, deflated, start, info.compress_size, info.file_size, info.CRC)


def inflate(content: bytes, part: Part, clock: Clock) -> Iterator[bytes]:
    """The part's bytes, chunk by chunk; never more than it declares, and checked at the end
    (or at once, when `check_parts` kept them)."""
    if part.data is not None:
        yield part.data
        return
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
                raise damaged(f"dữ liệu nén của phần {part.name} sai") from exc
            progress = len(pending) - len(inflater.unconsumed_tail)
            pending = inflater.unconsumed_tail
            total += len(chunk)
            if total > part.size:
                raise WorkbookError(
                    f"Phần {part.name} giải nén ra nhiều dữ liệu hơn kích thước khai báo (tệp bị "
                    f"hỏng hoặc bị sửa bằng công cụ khác); {RESAVE}."
                )
            crc = zlib.crc32(chunk, crc)
            clock.check()
            if chunk:
                yield chunk
            elif inflater.eof or not pending or not progress:
                break
        if not inflater.eof:
            raise damaged(f"dữ liệu nén của phần {part.name} bị cắt cụt")
    else:
        for offset in range(0, part.packed, _CHUNK):
            chunk = bytes(packed[offset : offset + _CHUNK])
            total += len(chunk)
            crc = zlib.crc32(chunk, crc)
            clock.check()
            yield chunk
    if total != part.size:
        raise damaged(f"phần {part.name} ngắn hơn kích thước khai báo")
    if crc != part.crc:
        raise damaged(f"phần {part.name} không khớp mã kiểm tra CRC")


def shown(name: str) -> str:
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
        raise WorkbookError(f"Phần {name} của tệp bị hỏng (XML sai); {RESAVE}.") from exc
    raise WorkbookError(f"Phần {name} của tệp bị hỏng (XML rỗng); {RESAVE}.")
