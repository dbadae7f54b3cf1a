"""Mutated workbooks (issue 7): whatever a member sends, a verdict, never a traceback or a hang.

A valid workbook is mutated at the byte level (flips, truncations, insertions) and at the XML
level (cells removed, duplicated, retyped, shared-string and style indices out of range, lying
dimensions, far or malformed references, tags with a prefix), then read and checked. Each run
must end with findings (exit 0 or 1), with messages in Vietnamese, in a process whose peak
resident memory stays under 200 MiB: the workbooks are read by a worker process of their own,
whose peak memory (calamine's native allocations included) is read after each one.

CI runs a fixed set of examples; `make fuzz` runs many random ones
(IPSTAT_FUZZ_EXAMPLES, IPSTAT_FUZZ_RANDOM).
"""

import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ipstat.cli import app
from ipstat.contract.model import Contract
from tests import hostile

Make = Callable[..., Path]
EXAMPLES = int(os.environ.get("IPSTAT_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("IPSTAT_FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
MEMORY_MIB = 200  # the peak resident memory of the reading process, calamine's included
ROOT = Path(__file__).resolve().parents[1]
_BASE: dict[str, bytes] = {}
SHARED = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + hostile.MAIN_NS + b'" count="3" '
    b'uniqueCount="3"><si><t>12</t></si><si><t>H&#224; Nam</t></si><si><t/></si></sst>'
)


def base(make_workbook: Make, stored: bool = False) -> bytes:
    """The valid workbook every mutation starts from, written by hand with a shared-strings
    table (so `t="s"` has strings to point at, in range or not); stored (not deflated), a
    flipped byte lands in the XML itself."""
    key = "stored" if stored else "deflated"
    if key not in _BASE:
        members = [*hostile.entries(make_workbook()), hostile.Entry(hostile.SHARED_STRINGS, SHARED)]
        for member in members:
            member.deflate = not stored
        path = hostile.write_zip(make_workbook().with_name(f"{key}.xlsx"), members)
        _BASE[key] = path.read_bytes()
    return _BASE[key]


class Worker:
    """A process that reads workbooks (`tests.hostile.serve`), started afresh when needed."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def read(self, path: Path) -> dict[str, Any]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from tests.hostile import serve; serve()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                cwd=ROOT,
            )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{path}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:  # the reader died (a native abort): no verdict is a defect
            code = self.process.wait()
            raise AssertionError(f"the reading process ended with status {code} on {path}")
        answer: dict[str, Any] = json.loads(line)
        return answer


WORKER = Worker()


def verdict(path: Path, contract: Contract) -> None:
    """Read and check one workbook in the worker: findings only, in Vietnamese, in bounded
    memory."""
    answer = WORKER.read(path)
    assert "escaped" not in answer, answer["escaped"]
    peak = answer["peak_mib"]
    assert math.isnan(peak) or peak < MEMORY_MIB, f"{peak:.0f} MiB"
    if not answer["read"]:
        assert answer["rules"] == ["unreadable-file"]
    for message in answer["messages"]:
        assert hostile.library_text(message) == [], message


# Byte level ---------------------------------------------------------------------------------

byte_edit = st.one_of(
    st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(min_value=0), st.just(0)),
    st.tuples(st.just("insert"), st.integers(min_value=0), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(min_value=0), st.integers(1, 64)),
)


def edit_bytes(content: bytes, kind: str, where: int, what: int | bytes) -> bytes:
    at = where % len(content)
    if kind == "flip":
        assert isinstance(what, int)
        return content[:at] + bytes([content[at] ^ what]) + content[at + 1 :]
    if kind == "truncate":
        return content[:at]
    if kind == "insert":
        assert isinstance(what, bytes)
        return content[:at] + what + content[at:]
    assert isinstance(what, int)
    return content[:at] + content[at + what :]


@FUZZ
@given(edits=st.lists(byte_edit, min_size=1, max_size=3), stored=st.booleans())
def test_byte_mutations(
    make_workbook: Make,
    contract: Contract,
    tmp_path: Path,
    edits: list[tuple[str, int, object]],
    stored: bool,
) -> None:
    content = base(make_workbook, stored)
    for kind, where, what in edits:
        if content:
            content = edit_bytes(content, kind, where, what)  # type: ignore[arg-type]
    path = tmp_path / "mutant.xlsx"
    path.write_bytes(content)
    verdict(path, contract)


# XML level ----------------------------------------------------------------------------------

CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.DOTALL)
ROW = re.compile(rb"<row\b[^>]*>")
TYPES = [b"s", b"n", b"b", b"e", b"str", b"inlineStr", b"d", b"x"]
# Numbers no Decimal of the shown 15 digits can hold: each is a finding, never a traceback.
NUMBERS = [b"1e308", b"1e400", b"inf", b"nan", b"-1e308", b"99999999999999999999999999999999"]
VALUES = [*NUMBERS,
    b"0", b"-1", b"3", b"999999", b"-1e-400", b"", b" ",
    b"2016", b"12,5", b"1.2345678901234567E+19", b"#N/A", b"#DIV/0!", b"#GETTING_DATA", b"TRUE",
    b"2016-01-01T00:00:00", b"&amp;", b"&#0;", b"&#x1F;",
    b"<", b"]]>", "Hà Nam".encode(),
]  # fmt: skip
REFS = [
    b"A1", b"D40", b"C3", b"XFD1", b"A5000", b"XFD1048576", b"A1048577", b"XFE1", b"A0",
    b"AAAA1", b"1A", b"", b"$D$40", b"d40", b"A1:XFD1048576", b"B2:A1", b"A1:A1:A1",
]  # fmt: skip
ref = st.one_of(
    st.sampled_from(REFS),
    st.builds(
        lambda column, row: f"{column}{row}".encode(),
        st.text("ABCDEFXZ", min_size=1, max_size=4),
        st.integers(0, 2_000_000),
    ),
)
PREFIXES = [b"x:", "é:".encode(), b"ns0:", "Ω:".encode()]
xml_edit = st.tuples(
    st.sampled_from(
        [
            "remove",
            "duplicate",
            "retype",
            "value",
            "style",
            "ref",
            "dimension",
            "row",
            "insert",
            "prefix",
        ]
    ),
    st.sampled_from([hostile.FIGURES, hostile.INFO, hostile.SHARED_STRINGS, hostile.WORKBOOK]),
    st.integers(min_value=0, max_value=10_000),
    st.one_of(st.sampled_from(VALUES), ref, st.binary(max_size=12)),
)


def set_attribute(tag: bytes, name: bytes, value: bytes) -> bytes:
    tag = re.sub(rb"\s" + name + rb'="[^"]*"', b"", tag, count=1)
    head = re.match(rb"<[^\s/>]+", tag)
    assert head is not None
    return tag[: head.end()] + b" " + name + b'="' + value + b'"' + tag[head.end() :]


def edit_xml(data: bytes, kind: str, index: int, payload: bytes) -> bytes:
    if kind == "insert":
        at = index % (len(data) + 1)
        return data[:at] + payload + data[at:]
    if kind == "dimension":
        replacement = b'<dimension ref="' + payload + b'"'
        return re.sub(rb'<dimension ref="[^"]*"', lambda _: replacement, data)
    if kind == "row":
        rows = list(ROW.finditer(data))
        if not rows:
            return data
        found = rows[index % len(rows)]
        changed = set_attribute(found[0], b"r", payload) if payload else b"<row>"
        return data[: found.start()] + changed + data[found.end() :]
    if kind == "prefix":  # a cell and its value, or every row, written with a prefix
        prefix = PREFIXES[index % len(PREFIXES)]
        if index % 2:
            return re.sub(rb"<(/?)row\b", rb"<\1" + prefix + b"row", data)
    cells = list(CELL.finditer(data))
    if not cells:
        return data
    found = cells[index % len(cells)]
    cell = found[0]
    start_tag = re.match(rb"<c\b[^>]*?/?>", cell)
    assert start_tag is not None
    opening = start_tag[0].rstrip(b"/>").rstrip(b">")
    if kind == "remove":
        cell = b""
    elif kind == "duplicate":
        cell = cell + cell
    elif kind == "retype":
        cell = set_attribute(opening, b"t", TYPES[index % len(TYPES)]) + cell[len(opening) :]
    elif kind == "style":
        cell = set_attribute(opening, b"s", str(index * 997).encode()) + cell[len(opening) :]
    elif kind == "ref":
        cell = set_attribute(opening, b"r", payload) + cell[len(opening) :]
    elif kind == "prefix":
        prefix = PREFIXES[index % len(PREFIXES)]
        cell = re.sub(rb"<(/?)(c|v|f|is|t)\b", rb"<\1" + prefix + rb"\2", cell)
        cell = set_attribute(cell, b"r", payload) if payload.isalnum() else cell
    else:  # value
        cell = opening + b"><v>" + payload + b"</v></c>"
    return data[: found.start()] + cell + data[found.end() :]


@FUZZ
@given(edits=st.lists(xml_edit, min_size=1, max_size=4))
def test_xml_mutations(
    make_workbook: Make,
    contract: Contract,
    tmp_path: Path,
    edits: list[tuple[str, str, int, bytes]],
) -> None:
    members = hostile.entries(tmp_path_of(base(make_workbook), tmp_path))
    for kind, part, index, payload in edits:
        for entry in members:
            if entry.name == part:
                entry.data = edit_xml(entry.data, kind, index, payload)
    path = hostile.write_zip(tmp_path / "mutant.xlsx", members)
    verdict(path, contract)


def tmp_path_of(content: bytes, folder: Path) -> Path:
    path = folder / "base.xlsx"
    path.write_bytes(content)
    return path


runner = CliRunner()


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 5))
@given(edits=st.lists(xml_edit, min_size=1, max_size=3), flip=byte_edit)
def test_validate_command_on_mutants(
    make_workbook: Make,
    tmp_path: Path,
    edits: list[tuple[str, str, int, bytes]],
    flip: tuple[str, int, object],
) -> None:
    """The command itself: exit 0 or 1, JSON on stdout, nothing on stderr."""
    members = hostile.entries(tmp_path_of(base(make_workbook), tmp_path))
    for kind, part, index, payload in edits:
        for entry in members:
            if entry.name == part:
                entry.data = edit_xml(entry.data, kind, index, payload)
    folder = tmp_path / "inbox"
    folder.mkdir(exist_ok=True)
    hostile.write_zip(folder / "xml.xlsx", members)
    kind, where, what = flip
    mutant = edit_bytes(base(make_workbook), kind, where, what)  # type: ignore[arg-type]
    (folder / "bytes.xlsx").write_bytes(mutant or b"PK")
    result = runner.invoke(app, ["validate", "--format", "json", str(folder)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr == ""
    findings = json.loads(result.stdout)["findings"]
    assert {Path(f["file"]).name for f in findings} <= {"xml.xlsx", "bytes.xlsx"}
