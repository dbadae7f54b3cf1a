"""Hostile containers built from a valid workbook: each one a way a file can hurt a reader.

Shared by the tests (small sizes, just past a limit) and `scripts/hostile.py` (the sizes of
issue 7, to measure time and memory). A zip is written by hand here so that every field a
reader trusts (names, declared sizes, CRCs, entry counts) can be made to lie.
"""

import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

INFO = "xl/worksheets/sheet2.xml"
FIGURES = "xl/worksheets/sheet3.xml"
WORKBOOK = "xl/workbook.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@dataclass
class Entry:
    """One member of a zip; `size` and `crc` override the true values, to make them lie."""

    name: str
    data: bytes
    deflate: bool = True
    size: int | None = None
    crc: int | None = None


def entries(path: Path) -> list[Entry]:
    with zipfile.ZipFile(path) as archive:
        return [Entry(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(target: Path, members: list[Entry]) -> Path:
    """A plain zip (no data descriptors, no zip64), every field as the entries say."""
    body = bytearray()
    directory = bytearray()
    for entry in members:
        name = entry.name.encode()
        if entry.deflate:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = packer.compress(entry.data) + packer.flush()
        else:
            packed = entry.data
        method = 8 if entry.deflate else 0
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        size = len(entry.data) if entry.size is None else entry.size
        offset = len(body)
        fields = (20, 0, method, 0, 0x21, crc, len(packed), size, len(name))
        body += struct.pack("<4s5HLLLHH", b"PK\x03\x04", *fields, 0) + name + packed
        directory += (
            struct.pack("<4s6HLLLHHHHHLL", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset) + name
        )
    count = min(len(members), 0xFFFF)
    end = struct.pack("<4s4HLLH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    target.write_bytes(bytes(body + directory + end))
    return target


def change_part(source: Path, target: Path, name: str, change: Callable[[bytes], bytes]) -> Path:
    members = entries(source)
    for entry in members:
        if entry.name == name:
            entry.data = change(entry.data)
    return write_zip(target, members)


def flipped_byte(source: Path, target: Path, name: str = FIGURES) -> Path:
    """One byte flipped in the middle of a part's deflate stream."""
    content = bytearray(write_zip(target, entries(source)).read_bytes())
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(name)
    content[start + info.compress_size // 2] ^= 0x55
    target.write_bytes(bytes(content))
    return target


def bad_crc(source: Path, target: Path, name: str = WORKBOOK) -> Path:
    members = entries(source)
    for entry in members:
        if entry.name == name:
            entry.crc = zlib.crc32(entry.data) ^ 1
    return write_zip(target, members)


def lying_size(source: Path, target: Path, name: str = FIGURES, keep: int = 100) -> Path:
    """The part declares `keep` bytes (with their CRC) but its stream inflates to the whole."""
    members = entries(source)
    for entry in members:
        if entry.name == name:
            entry.size, entry.crc = keep, zlib.crc32(entry.data[:keep])
    return write_zip(target, members)


def with_cell(source: Path, target: Path, ref: str, name: str = FIGURES) -> Path:
    """A value cell at `ref`, in a row of its own at the end of the sheet."""
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    cell = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode()
    return change_part(source, target, name, lambda data: data.replace(b"</sheetData>", cell))


def with_prefixed_cell(
    source: Path, target: Path, ref: str, prefix: str, name: str = FIGURES
) -> Path:
    """A value cell at `ref` written with a namespace prefix (`<é:c>`), bound to the sheet's
    own namespace, in a row of its own: calamine finds cells by their local name."""
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    ns = MAIN_NS.decode()
    cell = (
        f'<row r="{row}"><{prefix}:c xmlns:{prefix}="{ns}" r="{ref}"><{prefix}:v>1</{prefix}:v>'
        f"</{prefix}:c></row></sheetData>"
    ).encode()
    return change_part(source, target, name, lambda data: data.replace(b"</sheetData>", cell))


def with_prefixed_row(
    source: Path, target: Path, row: int, prefix: str, name: str = FIGURES
) -> Path:
    """A row written with a namespace prefix (`<é:row r="1048576">`) holding a cell without a
    reference: calamine places the cell in that row."""
    ns = MAIN_NS.decode()
    cells = (
        f'<{prefix}:row xmlns:{prefix}="{ns}" r="{row}"><c><v>1</v></c></{prefix}:row></sheetData>'
    ).encode()
    return change_part(source, target, name, lambda data: data.replace(b"</sheetData>", cells))


def with_dimension(source: Path, target: Path, ref: str, name: str = FIGURES) -> Path:
    def change(data: bytes) -> bytes:
        head, _, rest = data.partition(b"<dimension ref=")
        _, _, tail = rest.partition(b"/>")
        return head + f'<dimension ref="{ref}"/>'.encode() + tail

    return change_part(source, target, name, change)


def many_entries(source: Path, target: Path, count: int) -> Path:
    extra = [Entry(f"x/{index}", b"", deflate=False) for index in range(count)]
    return write_zip(target, entries(source) + extra)


def empty_shared_strings(source: Path, target: Path, size: int) -> Path:
    """A shared-strings table of `size` bytes of empty strings (calamine reads it at open)."""
    item = b"<si><t/></si>"
    head = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN_NS + b'">'
    data = head + item * (size // len(item)) + b"</sst>"
    return write_zip(target, [*entries(source), Entry(SHARED_STRINGS, data)])


def leading_comment(source: Path, target: Path, size: int, name: str = FIGURES) -> Path:
    """`size` bytes of XML comment between the declaration and the root element."""
    comment = b"<!--" + b"x" * size + b"-->"

    def change(data: bytes) -> bytes:
        if data.startswith(b"<?xml"):
            declaration, _, rest = data.partition(b"?>")
            return declaration + b"?>" + comment + rest
        return comment + data

    return change_part(source, target, name, change)


def duplicated_entry(source: Path, target: Path, name: str = FIGURES) -> Path:
    """The same part twice, the second copy with other figures: which one would be read?"""
    members = entries(source)
    original = next(entry for entry in members if entry.name == name)
    forged = original.data.replace(b"<v>34700</v>", b"<v>99999</v>")
    return write_zip(target, [*members, Entry(name, forged)])


LIBRARY_TEXT = re.compile(
    r"\bI/O\b|\b(?:the|of|is|not|error|invalid|unexpected|expecting|entity|"
    r"checksum|found|got|string|digit|character|reference|declared|unrecognized|unsupported|"
    r"missing|range|node|larger|zlib|calamine|traceback)\b",
    re.IGNORECASE,
)


def library_text(message: str) -> list[str]:
    """English words a library would use, outside the quoted names that come from the file."""
    unquoted = re.sub(r"“[^”]*”", "", message)
    return LIBRARY_TEXT.findall(unquoted)


def _entity(source: Path, target: Path) -> Path:
    def change(data: bytes) -> bytes:
        return re.sub(rb"<t>([^<]*)</t>", rb"<t>\1&lol9;</t>", data, count=1)

    return change_part(source, target, FIGURES, change)


# The cases of issue 7 at the sizes it gives (and, for what is read, just under the limits).
ISSUE_CASES: dict[str, Callable[[Path, Path], Path]] = {
    "flipped-byte": flipped_byte,
    "bad-crc": bad_crc,
    "lying-size": lying_size,
    "entity-without-dtd": _entity,
    "cell-XFD1048576": lambda source, target: with_cell(source, target, "XFD1048576"),
    "cell-XFD5000": lambda source, target: with_cell(source, target, "XFD5000"),
    "dimension-A1:XFD1048576": lambda s, t: with_dimension(s, t, "A1:XFD1048576"),
    "entries-200000": lambda source, target: many_entries(source, target, 200_000),
    "shared-strings-100MiB": lambda s, t: empty_shared_strings(s, t, 100 * 2**20),
    "shared-strings-19MB-read": lambda s, t: empty_shared_strings(s, t, 19_000_000),
    "comment-100MiB": lambda source, target: leading_comment(source, target, 100 * 2**20),
    "comment-19MB-read": lambda source, target: leading_comment(source, target, 19_000_000),
    "duplicate-entry": duplicated_entry,
    # issue 17: tags with a prefix, which calamine finds by their local name
    "prefixed-cell-XFD1000-é": lambda s, t: with_prefixed_cell(s, t, "XFD1000", "é"),
    "prefixed-cell-XFD1048576-é": lambda s, t: with_prefixed_cell(s, t, "XFD1048576", "é"),
    "prefixed-cell-XFD1048576-x": lambda s, t: with_prefixed_cell(s, t, "XFD1048576", "x"),
    "prefixed-row-1048576-é": lambda s, t: with_prefixed_row(s, t, 1_048_576, "é"),
    "prefixed-row-1048576-x": lambda s, t: with_prefixed_row(s, t, 1_048_576, "x"),
}


def probe(paths: list[str]) -> None:
    """Run in a fresh process: read and check each workbook, print one JSON line each with
    its wall and CPU time, and the process's peak resident memory so far (MiB; POSIX only)."""
    import json
    import time

    from ipstat.checks.rules import check_submission
    from ipstat.contract.model import load_contract
    from ipstat.reading.submission import read_submission

    contract = load_contract()
    for path in paths:
        started, cpu = time.perf_counter(), time.process_time()
        submission, findings = read_submission(Path(path), contract)
        if submission is not None:
            findings += check_submission(submission, contract, None)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = _peak_mib()
        first = findings[0] if findings else None
        line = {
            "file": Path(path).name,
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
            "peak_mib": round(peak),
            "rule": first.rule if first else None,
            "message": first.message if first else None,
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)


def serve() -> None:
    """Run in a fresh process: for each line of standard input, a workbook's path, read and
    check it, and answer one JSON line: whether it was read, its rules and messages, the
    error that escaped (a defect), and the process's peak resident memory so far (MiB)."""
    import json
    import sys
    import traceback

    from ipstat.checks.rules import check_submission
    from ipstat.contract.model import load_contract
    from ipstat.reading.submission import read_submission

    contract = load_contract()
    for line in sys.stdin:
        answer: dict[str, object] = {}
        try:
            submission, findings = read_submission(Path(line.rstrip("\n")), contract)
            if submission is not None:
                findings += check_submission(submission, contract, None)
            answer["read"] = submission is not None
            answer["rules"] = [f.rule for f in findings]
            answer["messages"] = [f.message for f in findings]
        except Exception:
            answer["escaped"] = traceback.format_exc()
        answer["peak_mib"] = _peak_mib()
        print(json.dumps(answer, ensure_ascii=False), flush=True)


def _peak_mib() -> float:
    """Peak resident memory of this process. Linux's VmHWM starts afresh at exec, whereas
    ru_maxrss keeps the peak of the process that forked us (pytest's, in the tests)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8")
        return int(re.search(r"VmHWM:\s+(\d+)", status)[1]) / 1024  # type: ignore[index]
    except (OSError, TypeError):
        pass
    try:
        import resource
    except ImportError:
        return float("nan")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
