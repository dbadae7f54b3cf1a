"""Hostile containers (issue 7, item 6): each is refused at once with one Vietnamese finding."""

import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstat.base.errors import WorkbookError
from ipstat.contract.catalogue import Limits
from ipstat.contract.model import Contract
from ipstat.reading import container, workbook
from ipstat.reading.sheetscan import SheetScan, a1, scan_sheet
from ipstat.reading.submission import read_submission
from tests import hostile

Make = Callable[..., Path]


def refused(path: Path, contract: Contract) -> str:
    """The one finding for the file, in Vietnamese (time and memory: in a fresh process, in
    `test_issue_sizes_in_a_fresh_process` and test_sheetscan.py)."""
    submission, findings = read_submission(path, contract)
    assert submission is None
    assert [(f.rule, f.severity) for f in findings] == [("unreadable-file", "error")]
    message = findings[0].message
    assert hostile.library_text(message) == [], message
    return message


def same_reading(path: Path, source: Path, contract: Contract) -> bool:
    (read, findings), (expected, _) = (read_submission(p, contract) for p in (path, source))
    assert read is not None and expected is not None
    return findings == [] and read.values() == expected.values()


def test_flipped_byte_in_a_deflate_stream(make_workbook: Make, contract: Contract) -> None:
    source = make_workbook()
    path = hostile.flipped_byte(source, source.with_name("flip.xlsx"))
    assert "bị hỏng" in refused(path, contract)


@pytest.mark.parametrize("position", range(0, 2400, 97))
def test_any_flipped_byte_gives_vietnamese_findings(
    make_workbook: Make, contract: Contract, tmp_path: Path, position: int
) -> None:
    """Wherever the flip lands in the stream: a zlib error, a CRC mismatch or a short part."""
    path = hostile.write_zip(tmp_path / "ok.xlsx", hostile.entries(make_workbook()))
    content = bytearray(path.read_bytes())
    content[position % (len(content) - 200) + 100] ^= 0x55
    path.write_bytes(bytes(content))
    for finding in read_submission(path, contract)[1]:
        assert hostile.library_text(finding.message) == [], finding.message


def test_bad_crc(make_workbook: Make, contract: Contract, tmp_path: Path) -> None:
    path = hostile.bad_crc(make_workbook(), tmp_path / "crc.xlsx")
    assert "CRC" in refused(path, contract)


def test_calamine_errors_on_damaged_streams_are_vietnamese(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """Should a damaged part get past the zip pass to calamine, its English does not reach
    the user: the sheet's stream is damaged here and given to calamine directly."""
    path = hostile.write_zip(tmp_path / "ok.xlsx", hostile.entries(make_workbook()))
    content = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(hostile.FIGURES)
    start = info.header_offset + 30 + len(hostile.FIGURES)
    messages = []
    for offset in range(0, info.compress_size, 7):
        damaged = bytearray(content)
        damaged[start + offset] ^= 0x55
        book = workbook.RawWorkbook(
            path, bytes(damaged), workbook._load(bytes(damaged)), contract.form.limits
        )
        try:
            book.rows(contract.form.figures_sheet.name)
        except WorkbookError as exc:
            messages.append(str(exc))
    assert any("CRC" in m for m in messages) and any("XML" in m for m in messages)
    assert [m for m in messages if hostile.library_text(m)] == []


def test_entity_reference_without_a_dtd(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    path = hostile.change_part(
        make_workbook(),
        tmp_path / "entity.xlsx",
        hostile.FIGURES,
        lambda data: data.replace(b"<t>Ghi ch&#250;</t>", b"<t>Ghi &lol9;</t>"),
    )
    assert "thực thể" in refused(path, contract)


def test_part_inflating_past_its_declared_size(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    path = hostile.lying_size(make_workbook(), tmp_path / "lie.xlsx")
    assert "kích thước khai báo" in refused(path, contract)


def test_duplicated_entry_name(make_workbook: Make, contract: Contract, tmp_path: Path) -> None:
    path = hostile.duplicated_entry(make_workbook(), tmp_path / "dup.xlsx")
    assert "hai phần cùng tên" in refused(path, contract)


def test_entry_names_differing_only_in_case(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """calamine finds a part by its name in any case: two such names are two candidates."""
    members = hostile.entries(make_workbook())
    sheet = next(entry for entry in members if entry.name == hostile.FIGURES)
    members.append(hostile.Entry(hostile.FIGURES.upper(), sheet.data))
    path = hostile.write_zip(tmp_path / "case.xlsx", members)
    assert "hai phần cùng tên" in refused(path, contract)


def test_many_entries_are_counted_before_the_directory_is_parsed(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    path = hostile.many_entries(make_workbook(), tmp_path / "entries.xlsx", 20_000)
    assert "phần" in refused(path, contract)


def test_entries_up_to_the_limit_are_fine(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    source = make_workbook()
    room = contract.form.limits.max_entries - len(hostile.entries(source))
    path = hostile.many_entries(source, tmp_path / "entries.xlsx", room)
    assert same_reading(path, source, contract)


def test_shared_strings_past_the_byte_limit(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    size = contract.form.limits.max_part_bytes + 1000
    path = hostile.empty_shared_strings(make_workbook(), tmp_path / "sst.xlsx", size)
    assert "quá lớn" in refused(path, contract)


def test_parts_together_past_the_total_limit(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    limits = contract.form.limits
    count = limits.max_total_bytes // limits.max_part_bytes + 1
    members = hostile.entries(make_workbook())
    blank = b" " * (limits.max_part_bytes - 10)
    members += [hostile.Entry(f"x/{i}.bin", blank) for i in range(count)]
    path = hostile.write_zip(tmp_path / "total.xlsx", members)
    assert "quá lớn" in refused(path, contract)


@pytest.mark.parametrize("ref", ["XFD1048576", "XFD5000", "A5001", "GS1"])
def test_far_cell_is_refused_before_calamine_allocates(
    make_workbook: Make, contract: Contract, tmp_path: Path, ref: str
) -> None:
    path = hostile.with_cell(make_workbook(), tmp_path / "far.xlsx", ref)
    message = refused(path, contract)
    assert ref in message and "giới hạn" in message


def test_area_of_too_many_cells(make_workbook: Make, contract: Contract, tmp_path: Path) -> None:
    limits = contract.form.limits
    row, column = limits.max_rows, limits.max_cells // limits.max_rows + 2
    ref = a1(row - 1, column - 1)
    path = hostile.with_cell(make_workbook(), tmp_path / "area.xlsx", ref)
    assert f"quá giới hạn {limits.max_cells} ô" in refused(path, contract)


def test_cells_without_references_are_placed_as_calamine_places_them(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """Cells without `r` follow the previous one: 300 of them reach past the column limit."""
    cells = b"<c><v>1</v></c>" * (contract.form.limits.max_columns + 100)
    path = hostile.change_part(
        make_workbook(),
        tmp_path / "norefs.xlsx",
        hostile.FIGURES,
        lambda data: data.replace(b"</sheetData>", b"<row>" + cells + b"</row></sheetData>"),
    )
    assert "giới hạn" in refused(path, contract)


def test_empty_far_cells_and_rows_are_harmless(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """calamine keeps no value for an empty cell, so a formatted but empty far cell is read."""
    extra = b'<row r="900000"><c r="XFD900000" s="1"/></row></sheetData>'
    path = hostile.change_part(
        make_workbook(),
        tmp_path / "styled.xlsx",
        hostile.FIGURES,
        lambda data: data.replace(b"</sheetData>", extra),
    )
    submission, findings = read_submission(path, contract)
    assert submission is not None and findings == []


@pytest.mark.parametrize("ref", ["A0", "ZZZZ1", "A99999999", "1A", "$A$1", "A1:B2:C3"])
def test_malformed_references(
    make_workbook: Make, contract: Contract, tmp_path: Path, ref: str
) -> None:
    path = hostile.change_part(
        make_workbook(),
        tmp_path / "ref.xlsx",
        hostile.FIGURES,
        lambda data: data.replace(b'r="D40"', f'r="{ref}"'.encode()),
    )
    assert "tham chiếu ô" in refused(path, contract)


def test_leading_comment_is_read(make_workbook: Make, contract: Contract, tmp_path: Path) -> None:
    """A comment before the root is valid XML: the file is read."""
    source = make_workbook()
    path = hostile.leading_comment(source, tmp_path / "comment.xlsx", 8_000_000)
    assert same_reading(path, source, contract)


def test_time_limit(make_workbook: Make, contract: Contract) -> None:
    limits = replace(contract.form.limits, max_seconds=1e-9)
    hurried = replace(contract, form=replace(contract.form, limits=limits))
    assert "giây" in refused(make_workbook(), hurried)


PROLOGS = [
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n',
    b"\xef\xbb\xbf<?xml version='1.0'?>",
    b"<!-- a comment -- with dashes --><?pi data?>\n\t ",
    b"",
]


@pytest.mark.parametrize("prolog", PROLOGS)
@pytest.mark.parametrize(
    "doctype", [b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b'<!DOCTYPE x SYSTEM "http://x.invalid/d">']
)
def test_dtd_after_any_prolog_is_refused(prolog: bytes, doctype: bytes) -> None:
    scan = container._Prolog()
    with pytest.raises(WorkbookError, match="DTD"):
        scan.feed(prolog + doctype + b"<x/>")


@pytest.mark.parametrize(
    "data",
    [
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode(
            "utf-16"
        ),
        b'<?xml version="1.0" encoding="ISO-8859-1"?><!DOCTYPE x []><x/>',
        "<!DOCTYPE x []><x/>".encode("utf-16-le"),
    ],
)
def test_odd_encodings_go_through_the_parser(data: bytes) -> None:
    scan = container._Prolog()
    assert scan.feed(data) and not scan.root
    with pytest.raises(WorkbookError, match=r"DTD|XML"):
        container._parse_prolog(iter([data]), "x.xml")


@given(
    prolog=st.lists(
        st.sampled_from([b" ", b"\n", b"<!-- c -->", b"<!--->-->", b"<?p x?>", b"<!---->"]),
        max_size=8,
    ),
    tail=st.sampled_from([b"<root a='1'/>", b"<!DOCTYPE r []><r/>", b"text<r/>"]),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=6),
)
def test_prolog_scan_does_not_depend_on_chunking(
    prolog: list[bytes], tail: bytes, cuts: list[int]
) -> None:
    data = b'<?xml version="1.0"?>' + b"".join(prolog) + tail

    def outcome(pieces: list[bytes]) -> str:
        scan = container._Prolog()
        try:
            for piece in pieces:
                if scan.feed(piece):
                    return "root" if scan.root else "odd"
        except WorkbookError:
            return "dtd"
        return "unfinished"

    whole = outcome([data])
    points = sorted({min(cut, len(data)) for cut in cuts})
    pieces = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    assert outcome([piece for piece in pieces if piece]) == whole
    assert whole == {b"<r": "root", b"<!": "dtd", b"te": "odd"}.get(tail[:2], "root")


def test_shared_formula_followers_read_the_moved_formula(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    def share(data: bytes) -> bytes:
        leader, follower = (
            re.compile(rb'<c r="%s"( s="[0-9]+")?[^>]*>.*?</c>' % c) for c in (b"D38", b"D39")
        )
        data, found = leader.subn(
            rb'<c r="D38"\1><f t="shared" ref="D38:D39" si="0">D6+$D$7</f></c>', data
        )
        data, also = follower.subn(rb'<c r="D39"\1><f t="shared" si="0"/></c>', data)
        assert found == also == 1  # the cells are where the form puts them
        return data

    path = hostile.change_part(make_workbook(), tmp_path / "shared.xlsx", hostile.FIGURES, share)
    found = {
        f.cell: f.message
        for f in read_submission(path, contract)[1]
        if f.rule == "formula-without-value"
    }
    assert found.keys() == {"D38", "D39"}
    assert "=D6+$D$7" in found["D38"] and "=D7+$D$7" in found["D39"]


def test_formulas_are_parsed_once_per_sheet(
    make_workbook: Make, contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each empty value cell asks for its formula; the sheet's XML is read only once."""
    codes = [indicator.code for indicator in contract.form.indicators]
    path = make_workbook(values={code: f"=1+{n}" for n, code in enumerate(codes)})
    calls = []

    def counted(xml: bytes, sheet: str, limits: Limits, styles: Collection[int] = ()) -> SheetScan:
        calls.append(sheet)
        return scan_sheet(xml, sheet, limits, styles)

    monkeypatch.setattr(workbook, "scan_sheet", counted)
    found = [f for f in read_submission(path, contract)[1] if f.rule == "formula-without-value"]
    assert len(found) == len(codes) and calls.count(contract.form.figures_sheet.name) == 1
    assert all(f"=1+{n}" in f.message for n, f in enumerate(found))


@pytest.mark.skipif(os.name != "posix", reason="peak memory is read with the resource module")
def test_issue_sizes_in_a_fresh_process(make_workbook: Make, tmp_path: Path) -> None:
    """The sizes of the issue, at the limits' edge, under its 10 s and 200 MiB."""
    source = make_workbook()
    names = ["cell-XFD1048576", "entries-200000", "shared-strings-19MB-read", "comment-19MB-read"]
    paths = [str(hostile.ISSUE_CASES[n](source, tmp_path / f"{n}.xlsx")) for n in names]
    probe = "import sys; from tests.hostile import probe; probe(sys.argv[1:])"
    done = subprocess.run(
        [sys.executable, "-c", probe, *paths],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=60,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["file"] for line in lines] == [f"{n}.xlsx" for n in names]
    assert all(line["cpu_seconds"] < 10 for line in lines), lines
    assert lines[-1]["peak_mib"] < 200, lines
    assert [line["rule"] for line in lines] == ["unreadable-file", "unreadable-file", None, None]


def test_an_unreadable_sheet_leaves_only_the_unreadable_finding(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """The first sheet read gives a finding, the second proves the file unreadable: one
    finding for the file, as for any unreadable file."""
    headless = hostile.change_part(
        make_workbook(),
        tmp_path / "headless.xlsx",
        hostile.INFO,
        lambda data: data.replace(b"<t>M&#227;</t>", b"<t>?</t>"),
    )
    path = hostile.with_cell(headless, tmp_path / "both.xlsx", "XFD5000")
    assert "XFD5000" in refused(path, contract)


def test_dtd_in_a_sheet_under_another_name(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """calamine parses a sheet under whatever name the workbook's relationship gives it."""
    members = hostile.entries(make_workbook())
    for entry in members:
        if entry.name == hostile.FIGURES:
            entry.name = "xl/worksheets/sheet3.dat"
            entry.data = with_doctype(entry.data, b"<!DOCTYPE x [<!ENTITY a 'b'>]>")
        elif entry.name == "xl/_rels/workbook.xml.rels":
            entry.data = entry.data.replace(b"sheet3.xml", b"sheet3.dat")
    path = hostile.write_zip(tmp_path / "renamed.xlsx", members)
    assert "DTD" in refused(path, contract)


def with_doctype(data: bytes, doctype: bytes) -> bytes:
    if data.startswith(b"<?xml"):
        declaration, _, rest = data.partition(b"?>")
        return declaration + b"?>" + doctype + rest
    return doctype + data


def test_a_sheet_name_given_twice_bounds_both_parts(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """A name given twice is ambiguous and neither sheet is read; were one read, its area
    would be bounded first (calamine reads the first sheet of a name)."""
    far = hostile.with_cell(make_workbook(), tmp_path / "far.xlsx", "XFD1048576")

    def twice(data: bytes) -> bytes:
        name = contract.form.figures_sheet.name.encode()
        decoy = b'<sheet name="' + name + b'" sheetId="9" r:id="rId1" xmlns:r="' + RELS + b'"/>'
        return data.replace(b"</sheets>", decoy + b"</sheets>")

    path = hostile.change_part(far, tmp_path / "twice.xlsx", hostile.WORKBOOK, twice)
    findings = read_submission(path, contract)[1]
    assert "ambiguous-sheet" in {f.rule for f in findings}
    assert (
        workbook.open_workbook(path, contract.form.limits).sheet_names.count(
            contract.form.figures_sheet.name
        )
        == 2
    )


RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


FAR = b'<c r="XFD1048576"><v>1</v></c>'


@pytest.mark.parametrize(
    "xml",
    [
        b'<sheetData><row r="1"><c a="<" r="XFD1048576"><v>1</v></c></row></sheetData>',
        b'<sheetData><c foo=">" r="XFD1048576"><v>1</v></c></sheetData>',
        b'<sheetData><!-- <c a=" -->' + FAR + b'<!-- " --></sheetData>',
        b'<sheetData><?pi <c a=" ?>' + FAR + b"</sheetData>",
        b'<sheetData><c r="A1"><v>a < b</v></c>' + FAR + b"</sheetData>",
        b'<x:sheetData><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:sheetData>',
        b'<sheetData><row r="1048576"><c r="XFD1048576" s="/>"><v>1</v></c></row></sheetData>',
        b'<sheetData><row r="20"><c r="A20"r="XFD1048576"><v>1</v></c></row></sheetData>',
        b'<sheetData><row r="20"><c r="A20" r="XFD1048576"><v>1</v></c></row></sheetData>',
    ],
)
def test_a_far_cell_is_refused_however_it_is_written(xml: bytes, contract: Contract) -> None:
    """Refused as beyond the limits, or as XML that is not well-formed: never read."""
    with pytest.raises(WorkbookError):
        scan_sheet(xml, "S", contract.form.limits)


SAMPLE = Path(__file__).parents[1] / "sample_data" / "2016"


def test_each_part_of_a_workbook_is_inflated_once(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The container check keeps what it inflated; reading cells and formats reuses it."""
    path = SAMPLE / "bieu-ha-nam-2016.xlsx"
    with zipfile.ZipFile(path) as book:
        deflated = sum(i.compress_type == zipfile.ZIP_DEFLATED for i in book.infolist())
    made: list[int] = []
    real = zlib.decompressobj

    def counted(wbits: int = zlib.MAX_WBITS) -> object:
        made.append(1)
        return real(wbits)

    monkeypatch.setattr(zlib, "decompressobj", counted)  # the zip module's and ours
    submission, findings = read_submission(path, contract)
    assert submission is not None and findings == []
    assert len(made) == deflated


def test_a_large_part_is_inflated_again_rather_than_kept(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(container, "KEPT_BYTES", 0)
    path = SAMPLE / "bieu-ha-nam-2016.xlsx"
    parts = workbook.open_workbook(path, contract.form.limits).parts
    assert all(part.data is None for part in parts.values())
    assert read_submission(path, contract)[0] is not None


def test_an_honest_file_too_large_is_told_its_size_not_that_it_is_damaged(
    make_workbook: Callable[..., Path], contract: Contract, tmp_path: Path
) -> None:
    """A form with a 25 MB picture pasted in: large, not broken."""
    path = tmp_path / "anh-lon.xlsx"
    with (
        zipfile.ZipFile(make_workbook()) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry, source.read(entry))
        target.writestr("xl/media/image1.png", bytes(25_000_000))
    _, findings = read_submission(path, contract)
    [finding] = findings
    assert finding.rule == "unreadable-file"
    assert "“xl/media/image1.png” của tệp giải nén ra 25 MB" in finding.text
    assert "giới hạn 20 MB một phần" in finding.text and "hỏng" not in finding.text
