"""The three outputs: golden report and JSON, every published 2016 figure, and atomic writing."""

import errno
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ipstat.bloc.document import read_document
from ipstat.commands import aggregate as publish_module
from ipstat.commands.aggregate import output_paths, publish
from ipstat.contract.model import Contract
from ipstat.outputs.atomic import OutputError
from ipstat.outputs.report_text import render_report

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "sample_data" / "2016"
GOLDEN = Path(__file__).parent / "golden"
REFERENCE = ROOT.parent / "shared" / "reference" / "khoi-thi-dua-dbsh-2016.txt"

# Every figure of the published 2016 text, written as there (../shared/reference).
PUBLISHED = [
    "375 dự án",
    "257 dự án",
    "4.841,2 triệu USD",
    "118 dự án",
    "33.009,6 tỷ đồng",
    "928 lượt dự án",
    "742 lượt dự án FDI",
    "186 lượt dự án DDI",
    "1.550,3 triệu USD",
    "9.766,8 tỷ đồng",
    "2.034 dự án FDI",
    "1.611 dự án DDI",
    "41.552,9 triệu USD",
    "255.854,2 tỷ đồng",
    "2.367,4 triệu USD",
    "8.849,3 tỷ đồng",
    "23.255,3 triệu USD (đạt 56% tổng vốn FDI đăng ký)",
    "117.412,5 tỷ đồng (đạt 45,9% tổng vốn DDI đăng ký)",
    "135 KCN",
    "46.063,9",
    "65 KCN",
    "14.085,4",
    "29 KCN",
    "9.204,8",
    "54 KCN",
    "46.643,5 triệu USD",
    "129.873 tỷ đồng",
    "38.277,8 triệu USD",
    "20.525,3 tỷ đồng",
    "28.799,2 triệu USD",
    "21.752,5 tỷ đồng",
    "1.423,3 triệu USD",
    "6.826,5 tỷ đồng",
    "771.112 người lao động",
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, contract: Contract) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    published = publish([SAMPLE], contract, out=out)
    assert published.document is not None
    return output_paths(out, 2016)


def test_report_has_every_published_figure(outputs: dict[str, Path]) -> None:
    report = outputs["md"].read_text(encoding="utf-8")
    missing = [figure for figure in PUBLISHED if figure not in report]
    assert missing == []


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared/reference is not beside the repo")
def test_the_figure_list_is_the_published_text() -> None:
    text = re.sub(r"\s+", " ", REFERENCE.read_text(encoding="utf-8"))
    assert [figure for figure in PUBLISHED if figure not in text] == []


def check_golden(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("IPSTAT_UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{name} changed: review it, then run IPSTAT_UPDATE_GOLDEN=1 make test"
    )


def test_report_golden(outputs: dict[str, Path]) -> None:
    check_golden("bao-cao-2016.md", outputs["md"].read_text(encoding="utf-8"))


def test_json_golden(outputs: dict[str, Path]) -> None:
    check_golden("tong-hop-2016.json", outputs["json"].read_text(encoding="utf-8"))


def test_json_numbers_are_exact_and_complete(outputs: dict[str, Path], contract: Contract) -> None:
    text = outputs["json"].read_text(encoding="utf-8")
    assert '"fdi_new_capital": 4841.2,' in text
    data = json.loads(text)
    assert {
        "year",
        "members",
        "missing",
        "totals",
        "derived",
        "provinces",
        "sources",
        "warnings",
    } <= data.keys()
    assert set(data["totals"]) == {i.code for i in contract.form.indicators}
    assert set(data["derived"]) == {d.code for d in contract.form.derived}
    assert len(data["provinces"]) == 11 and data["missing"] == []
    source = data["sources"][0]
    assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
    assert source["cells"]["workers"] == "Chỉ tiêu!D40"


def test_report_command_re_renders_the_same_draft(outputs: dict[str, Path]) -> None:
    document = read_document(outputs["json"])
    assert render_report(document) == outputs["md"].read_text(encoding="utf-8")


def test_missing_members_are_named_in_the_report(
    make_workbook: Callable[..., Path], contract: Contract, tmp_path: Path
) -> None:
    folder = make_workbook(member="Hà Nam").parent
    published = publish([folder], contract, out=tmp_path / "out")
    assert published.document is not None
    report = output_paths(tmp_path / "out", 2016)["md"].read_text(encoding="utf-8")
    assert "Chưa nhận được báo cáo của: Vĩnh Phúc, Ninh Bình, Hải Dương" in report
    assert "từ 1 thành viên" in report


def test_a_failed_validation_writes_nothing(
    make_workbook: Callable[..., Path], contract: Contract, tmp_path: Path
) -> None:
    folder = make_workbook(values={"workers": -1}).parent
    out = tmp_path / "out"
    published = publish([folder], contract, out=out)
    assert published.document is None and published.files == []
    assert not out.exists()


def test_a_failure_while_writing_leaves_earlier_outputs_untouched(
    contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    publish([SAMPLE], contract, out=out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(path: Path, document: object) -> None:
        path.write_bytes(b"half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish_module, "write_consolidated", broken)
    with pytest.raises(OutputError, match=r"tong-hop-2016\.xlsx: ổ đĩa đã đầy"):
        publish([SAMPLE], contract, out=out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
