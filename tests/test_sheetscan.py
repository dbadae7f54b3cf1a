"""The one reading of a sheet (issue 17): it finds the cells python-calamine finds, whatever their
prefix, and refuses what would make calamine allocate past the limits before calamine reads it.

calamine itself is the oracle: each handmade sheet and each generated one is read by both, and
the scan's extent is never smaller than the area calamine reads.
"""

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineError, CalamineWorkbook

from ipstat.base.errors import WorkbookError
from ipstat.contract.catalogue import Limits
from ipstat.contract.model import Contract
from ipstat.reading.container import Clock, check_parts
from ipstat.reading.sheetscan import a1, scan_sheet
from ipstat.reading.submission import read_submission
from ipstat.reading.workbook import RawWorkbook
from tests import hostile

Make = Callable[..., Path]
MAIN = hostile.MAIN_NS.decode()
ROOT = Path(__file__).resolve().parents[1]
# Wide enough that the scan refuses only what is malformed: the oracle compares extents.
WIDE = Limits(
    max_file_bytes=10**9,
    max_entries=100,
    max_part_bytes=10**9,
    max_total_bytes=10**9,
    max_rows=1_048_576,
    max_columns=16_384,
    max_cells=10**12,
    max_seconds=60,
)


def book(sheet: bytes) -> bytes:
    """A workbook of one sheet `S`, in memory."""
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": f'<Relationships xmlns="{package}"><Relationship Id="r1" '
        f'Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{rels}"><sheets>'
        '<sheet name="S" sheetId="1" r:id="r1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}"><Relationship '
        f'Id="r1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def calamine_end(sheet: bytes) -> tuple[int, int] | str | None:
    """What calamine reads of the sheet: the farthest row and column (None for no cell), or
    "error" when it refuses the sheet."""
    try:
        read = CalamineWorkbook.from_filelike(io.BytesIO(book(sheet))).get_sheet_by_name("S")
    except Exception:
        return "error"
    end: tuple[int, int] | None = read.end
    return end


def worksheet(body: str, declarations: str = "") -> bytes:
    return f'<worksheet xmlns="{MAIN}"{declarations}>{body}</worksheet>'.encode()


# Each sheet, and the farthest cell calamine reads in it: the scan must find it (or more).
CASES = {
    "prefixed cell, non-ASCII prefix": (
        f'<sheetData><row r="1"><c r="A1"><v>1</v></c><é:c xmlns:é="{MAIN}" r="Z30">'
        "<é:v>1</é:v></é:c></row></sheetData>",
        (29, 25),
    ),
    "prefixed cell, ASCII prefix bound elsewhere": (
        '<sheetData><row><x:c xmlns:x="urn:other" r="J9"><x:v>1</x:v></x:c></row></sheetData>',
        (8, 9),
    ),
    "prefixed row places the cells after it": (
        f'<sheetData><x:row xmlns:x="{MAIN}" r="40"><c><v>1</v></c><c><v>2</v></c></x:row>'
        "<row><c><v>3</v></c></row></sheetData>",
        (40, 1),
    ),
    "redefined default namespace": (
        '<sheetData><row r="7" xmlns="urn:other"><c r="C7"><v>1</v></c></row></sheetData>',
        (6, 2),
    ),
    "a prefixed r is no reference": (
        '<sheetData><row r="2"><c r="A2"><v>1</v></c><c x:r="Z99"><v>1</v></c></row></sheetData>',
        (1, 1),
    ),
    "an empty cell holds no value": (
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="Z50" s="1"/><c r="Y9"></c></row>'
        "</sheetData>",
        (0, 0),
    ),
    "an empty text value is a value": (
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="E5" t="str"><v></v></c></row>'
        "</sheetData>",
        (4, 4),
    ),
    "cells outside sheetData are not read": (
        '<sheetPr><c r="Z9"><v>1</v></c></sheetPr><sheetData><row r="1"><c r="A1"><v>1</v>'
        '</c></row></sheetData><c r="Z20"><v>1</v></c>',
        (0, 0),
    ),
    "a cell's reference sets the column, not the row": (
        '<sheetData><row r="3"><c r="A90"><v>1</v></c><c><v>1</v></c></row></sheetData>',
        (89, 1),
    ),
    "lower-case references": (
        '<sheetData><row r="1"><c r="a1"><v>1</v></c><c r="c3"><v>1</v></c></row></sheetData>',
        (2, 2),
    ),
    "a dimension larger than the cells": (
        '<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="B1"><v>1</v></c></row>'
        "</sheetData>",
        (0, 1),
    ),
    "a formula with no saved value": (
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="D4"><f>1+1</f></c></row></sheetData>',
        (0, 0),
    ),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_scan_finds_what_calamine_reads(case: str) -> None:
    body, expected = CASES[case]
    sheet = worksheet(body, ' xmlns:x="urn:x"')
    assert calamine_end(sheet) == expected
    extent = scan_sheet(sheet, "S", WIDE).extent
    assert extent[0] >= expected[0] and extent[1] >= expected[1]


@pytest.mark.parametrize(
    "merges",
    [
        '<mergeCells count="2"><mergeCell ref="A1:E1"/><mergeCell ref="D4:E4"/></mergeCells>',
        '<x:mergeCells><x:mergeCell ref="B2:B3"></x:mergeCell></x:mergeCells>',
        '<mergeCells><mergeCell ref="C3"/><mergeCell/></mergeCells>',
        '<mergeCells><mergeCell ref="A1:B1"/></mergeCells><mergeCells><mergeCell ref="C1:D1"/>'
        "</mergeCells>",
        '<mergeCell ref="A1:B1"/>',
        '<mergeCells><mergeCell ref="nonsense"/></mergeCells>',
        '<mergeCells><mergeCell ref="A1:B"/></mergeCells>',
    ],
)
@pytest.mark.parametrize("where", ["after", "before"])
def test_merged_ranges_are_those_calamine_reads(
    merges: str, where: str, contract: Contract
) -> None:
    cells = '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
    sheet = worksheet(cells + merges if where == "after" else merges + cells, ' xmlns:x="urn:x"')
    try:
        read = CalamineWorkbook.from_filelike(io.BytesIO(book(sheet))).get_sheet_by_name("S")
        expected: list[tuple[tuple[int, int], tuple[int, int]]] | str = (
            read.merged_cell_ranges or []
        )
    except CalamineError:
        expected = "refused"
    try:
        found: object = scan_sheet(sheet, "S", contract.form.limits).merges
    except WorkbookError:
        found = "refused"
    assert found == expected


@pytest.mark.parametrize("prefix", ["é", "x", "ns0", "Ω"])
@pytest.mark.parametrize(
    "body",
    [
        '<sheetData><row r="1"><p:c r="XFD1000"><p:v>1</p:v></p:c></row></sheetData>',
        '<sheetData><p:row r="1048576"><c><v>1</v></c></p:row></sheetData>',
        '<sheetData><p:row r="1048576"><p:c><p:v>1</p:v></p:c></p:row></sheetData>',
        '<p:sheetData><p:row r="9"><p:c r="A1"><p:v>1</p:v></p:c><p:c r="GS9"><p:v>1</p:v>'
        "</p:c></p:row></p:sheetData>",
    ],
)
def test_far_cells_and_rows_with_a_prefix_are_refused(
    prefix: str, body: str, contract: Contract
) -> None:
    sheet = worksheet(body.replace("p:", f"{prefix}:"), f' xmlns:{prefix}="{MAIN}"')
    with pytest.raises(WorkbookError, match="giới hạn"):
        scan_sheet(sheet, "S", contract.form.limits)


@pytest.mark.parametrize(
    ("xml", "words"),
    [
        (b"<worksheet><sheetData><row></sheetData></worksheet>", "XML sai"),
        (b'<worksheet><sheetData><c r="A1" r="B2"/></sheetData></worksheet>', "trùng tên"),
        (b"<worksheet><sheetData>&lol9;</sheetData></worksheet>", "thực thể"),
        (b"<!DOCTYPE x [<!ENTITY a 'b'>]><worksheet/>", "DTD"),
        (b"", "XML"),
        (b"<worksheet><sheetData><c r='$A$1'><v>1</v></c></sheetData></worksheet>", "tham chiếu"),
        (b"<worksheet><sheetData><c r='1A'><v>1</v></c></sheetData></worksheet>", "tham chiếu"),
        (b"<worksheet><sheetData><c r='A0'><v>1</v></c></sheetData></worksheet>", "tham chiếu"),
        (b"<worksheet><sheetData><row r='0'/></sheetData></worksheet>", "tham chiếu"),
        (b"<worksheet><dimension ref='A1:B2:C3'/><sheetData/></worksheet>", "tham chiếu"),
        (b"<worksheet><dimension/><sheetData/></worksheet>", "tham chiếu"),
        (b'<c a="x' * 300_000, "XML sai"),
        (b"<!--" * 500_000, "XML sai"),
    ],
)
def test_what_is_not_well_formed_is_refused(xml: bytes, words: str, contract: Contract) -> None:
    with pytest.raises(WorkbookError, match=words):
        scan_sheet(xml, "S", contract.form.limits)


def test_text_that_looks_like_a_tag_is_text(contract: Contract) -> None:
    sheet = worksheet(
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<c r="XFD1048576">]]>'
        '</t></is></c><!-- <c r="XFD9"><v>1</v></c> --><?pi <c r="XFD9"> ?></row></sheetData>'
    )
    assert scan_sheet(sheet, "S", contract.form.limits).extent == (0, 0)
    assert calamine_end(sheet) == (0, 0)


def test_a_sheet_of_millions_of_empty_tags_stops_early(contract: Contract) -> None:
    limits = replace(contract.form.limits, max_cells=10, max_rows=10)
    sheet = worksheet("<sheetData>" + "<row/>" * 100 + "</sheetData>")
    with pytest.raises(WorkbookError, match="quá nhiều ô"):
        scan_sheet(sheet, "S", limits)


def test_formulas_errors_and_styles_come_from_the_same_pass(contract: Contract) -> None:
    sheet = worksheet(
        '<sheetData><row r="1"><c r="A1" s="3"><v>1</v></c><x:c r="B1" t="e"><x:f>1/0</x:f>'
        '<x:v>#DIV/0!</x:v></x:c><c r="C1" t="e"><v>#GETTING_DATA</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">B1+$C$1</f></c></row>'
        '<row r="3"><c r="A3"><f t="shared" si="0"/></c></row></sheetData>',
        ' xmlns:x="urn:x"',
    )
    scan = scan_sheet(sheet, "S", contract.form.limits, styles={3})
    assert scan.styles == {"A1": 3}
    assert scan.errors == {"B1": "#DIV/0!", "C1": "#GETTING_DATA"}
    assert scan.formula("B1") == "=1/0"
    assert scan.formula("A2") == "=B1+$C$1" and scan.formula("A3") == "=B2+$C$1"
    readable = scan.readable(sheet)
    assert b"<v>#N/A</v>" in readable and b"#GETTING_DATA" not in readable
    assert calamine_end(readable) == (0, 2)  # calamine reads the sheet now


_PREFIXES = st.sampled_from(["", "", "x:", "é:", "ns0:", "a:b:"])
_REFS = st.one_of(
    st.none(),
    st.builds(a1, st.integers(0, 2500), st.integers(0, 120)),
    st.sampled_from(["a1", "AB7", "$A$1", "A0", "1A", ""]),
)
_CHILDREN = st.sampled_from(
    [
        "",
        "<p:v>1</p:v>",
        "<p:v/>",
        "<p:f>1+1</p:f>",
        "<p:is><p:t>x</p:t></p:is>",
        "<p:v>1</p:v><p:c r='XFD1'><p:v>1</p:v></p:c>",
    ]
)


@st.composite
def _cell(draw: st.DrawFn) -> str:
    prefix, ref = draw(_PREFIXES), draw(_REFS)
    attributes = "" if ref is None else f' r="{ref}"'
    attributes += draw(st.sampled_from(["", ' t="str"', ' x:r="XFD9"', ' s="1"']))
    children = draw(_CHILDREN).replace("p:", prefix)
    return f"<{prefix}c{attributes}>{children}</{prefix}c>"


@st.composite
def _row(draw: st.DrawFn) -> str:
    prefix = draw(_PREFIXES)
    number = draw(st.one_of(st.none(), st.integers(1, 2500)))
    ns = draw(st.sampled_from(["", ' xmlns="urn:other"', f' xmlns="{MAIN}"']))
    attributes = ("" if number is None else f' r="{number}"') + ns
    cells = "".join(draw(st.lists(_cell(), max_size=4)))
    return f"<{prefix}row{attributes}>{cells}</{prefix}row>"


@st.composite
def _sheet(draw: st.DrawFn) -> bytes:
    data_prefix = draw(st.sampled_from(["", "x:", "é:"]))
    before = draw(
        st.sampled_from(["", "<dimension ref='A1:XFD1048576'/>", "<dimension ref='B2'/>"])
    )
    if draw(st.booleans()):
        before += draw(_row())  # before sheetData: calamine reads no cell there
    rows = "".join(draw(st.lists(st.one_of(_row(), _cell()), max_size=8)))
    after = draw(
        st.sampled_from(["", "<c r='Z9'><v>1</v></c>", "<sheetData><c><v>1</v></c></sheetData>"])
    )
    body = f"{before}<{data_prefix}sheetData>{rows}</{data_prefix}sheetData>{after}"
    declarations = f' xmlns:x="{draw(st.sampled_from([MAIN, "urn:x"]))}" xmlns:é="{MAIN}"'
    return worksheet(body, declarations + ' xmlns:ns0="urn:0" xmlns:a="urn:a"')


@given(sheet=_sheet())
def test_the_bound_is_never_below_what_calamine_reads(sheet: bytes) -> None:
    """calamine as the oracle, on generated sheets: prefixes ASCII and not, namespaces default
    and redefined, rows and cells with and without references, cells nested where calamine
    reads them as a value, dimensions that lie, tags before and after sheetData."""
    try:
        extent = scan_sheet(sheet, "S", WIDE).extent
    except WorkbookError:
        return  # refused: calamine never reads it (test_refused_before_calamine_reads_it)
    read = calamine_end(sheet)
    if read in (None, "error"):
        return
    assert isinstance(read, tuple)
    assert read[0] <= extent[0] and read[1] <= extent[1], (read, extent)


class _Unread:
    """A calamine workbook that must not be asked for any sheet."""

    sheet_names = ("S",)

    def get_sheet_by_name(self, name: str) -> None:
        raise AssertionError(f"calamine was asked for {name}")


@given(sheet=_sheet())
def test_refused_before_calamine_reads_it(sheet: bytes, contract: Contract) -> None:
    """With the form's own limits: a sheet is refused before calamine is asked for it, or the
    area calamine reads is within the limits."""
    content = book(sheet)
    limits = contract.form.limits
    parts = check_parts(content, limits, Clock(60))
    unread = RawWorkbook(Path("S.xlsx"), content, _Unread(), limits, parts=parts)
    try:
        unread.scan("S")
    except WorkbookError:
        with pytest.raises(WorkbookError):
            unread.rows("S")  # refused again, and calamine never asked
        return
    read = calamine_end(sheet)
    if isinstance(read, tuple):
        assert read[0] < limits.max_rows and read[1] < limits.max_columns
        assert (read[0] + 1) * (read[1] + 1) <= limits.max_cells


def test_a_prefixed_sheet_is_read_like_a_plain_one(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """Every tag of the figures sheet written with a non-ASCII prefix: the same figures."""
    source = make_workbook()

    def prefixed(data: bytes) -> bytes:
        head, _, rest = data.partition(b"<sheetData>")
        body, _, tail = rest.partition(b"</sheetData>")
        for tag in (b"row", b"c", b"v", b"f", b"is", b"t"):
            body = body.replace(b"<" + tag + b" ", "<é:".encode() + tag + b" ")
            body = body.replace(b"<" + tag + b">", "<é:".encode() + tag + b">")
            body = body.replace(b"</" + tag + b">", "</é:".encode() + tag + b">")
        declared = head.replace(b"<worksheet ", f'<worksheet xmlns:é="{MAIN}" '.encode(), 1)
        return declared + b"<sheetData>" + body + b"</sheetData>" + tail

    path = hostile.change_part(source, tmp_path / "prefixed.xlsx", hostile.FIGURES, prefixed)
    assert "é:c".encode() in zipfile.ZipFile(path).read(hostile.FIGURES)
    (read, findings), (expected, _) = (read_submission(p, contract) for p in (path, source))
    assert findings == [] and read is not None and expected is not None
    assert read.values() == expected.values()


def test_a_lying_dimension_is_read_by_its_cells(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    source = make_workbook()
    path = hostile.with_dimension(source, tmp_path / "dim.xlsx", "A1:XFD1048576")
    (read, findings), (expected, _) = (read_submission(p, contract) for p in (path, source))
    assert findings == [] and read is not None and expected is not None
    assert read.values() == expected.values()


FRESH = {
    "prefixed-cell-XFD1000-é": "unreadable-file",
    "prefixed-cell-XFD1048576-é": "unreadable-file",
    "prefixed-cell-XFD1048576-x": "unreadable-file",
    "prefixed-row-1048576-é": "unreadable-file",
    "prefixed-row-1048576-x": "unreadable-file",
    "dimension-A1:XFD1048576": None,
    "cell-XFD1048576": "unreadable-file",
}


@pytest.mark.skipif(sys.platform != "linux", reason="a fresh process's peak memory: /proc")
def test_hostile_sheets_in_a_fresh_process(make_workbook: Make, tmp_path: Path) -> None:
    """Each case in a process of its own: refused (or read) under 200 MiB and 2 s of CPU.
    Before the one reading, the first read at 665 MB and the second aborted the process."""
    source = make_workbook()
    for name, rule in FRESH.items():
        path = hostile.ISSUE_CASES[name](source, tmp_path / f"{name}.xlsx")
        probe = "import sys; from tests.hostile import probe; probe(sys.argv[1:])"
        done = subprocess.run(
            [sys.executable, "-c", probe, str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (name, done.returncode, done.stderr[-500:])
        line = json.loads(done.stdout)
        assert line["rule"] == rule, line
        assert line["peak_mib"] < 200 and line["cpu_seconds"] < 2, line
        if rule is not None:
            assert "giới hạn" in line["message"], line


def test_a_hostile_sheet_is_refused_by_validate(make_workbook: Make, tmp_path: Path) -> None:
    path = hostile.with_prefixed_row(make_workbook(), tmp_path / "row.xlsx", 1_048_576, "é")
    done = subprocess.run(
        [sys.executable, "-m", "ipstat", "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["unreadable-file"]
    assert "A1048576" in findings[0]["message"]
