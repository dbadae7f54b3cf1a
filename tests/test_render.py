from decimal import Decimal
from pathlib import Path

import pytest

from ipstat.bloc.document import Document, dumps, loads
from ipstat.outputs.render import TemplateProblem
from ipstat.outputs.report_text import render_report

GOLDEN_JSON = Path(__file__).parent / "golden" / "tong-hop-2016.json"


@pytest.fixture
def document() -> Document:
    return loads(GOLDEN_JSON.read_text(encoding="utf-8"))


def template(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mau.md.j2"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_analysts_template_with_the_filters(document: Document, tmp_path: Path) -> None:
    text = (
        "Năm {{ year }}: {{ t.fdi_new_capital | so }} triệu USD, "
        "{{ d.ddi_disbursed_ratio | phan_tram }}, {{ t.workers | so(0) }} người; "
        "{{ members[:3] | noi }}.\n"
    )
    out = render_report(document, template(tmp_path, text))
    assert (
        out
        == "Năm 2016: 4.841,2 triệu USD, 45,9%, 771.112 người; Vĩnh Phúc, Ninh Bình và Hà Nam.\n"
    )


def test_an_undefined_name_names_the_template_and_line(document: Document, tmp_path: Path) -> None:
    path = template(tmp_path, "Dòng 1\nDòng 2 {{ t.fdi_new_capitol | so }}\n")
    with pytest.raises(TemplateProblem, match=r"mau\.md\.j2, dòng 2: .*fdi_new_capitol"):
        render_report(document, path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{{ t.fdi_new_capitl }}", "không có biến `fdi_new_capitl`; có phải `fdi_new_capital`?"),
        ("{{ yaer }}", "không có biến `yaer`; có phải `year`?"),
        ("{{ provinces['Ha Nam'].workers }}", "không có biến `Ha Nam`; có phải `Hà Nam`?"),
        ("{{ xyz_qwerty | so }}", "không có biến `xyz_qwerty`."),
    ],
)
def test_a_misspelt_name_suggests_the_closest(
    document: Document, tmp_path: Path, text: str, problem: str
) -> None:
    path = template(tmp_path, text)
    with pytest.raises(TemplateProblem) as raised:
        render_report(document, path)
    assert str(raised.value) == f"Mẫu {path}, dòng 1: {problem}"


def test_a_syntax_error_names_the_line(document: Document, tmp_path: Path) -> None:
    with pytest.raises(TemplateProblem, match="dòng 3"):
        render_report(document, template(tmp_path, "a\nb\n{% if %}\n"))


def test_templates_are_sandboxed(document: Document, tmp_path: Path) -> None:
    path = template(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateProblem):
        render_report(document, path)


def test_missing_template_file(document: Document, tmp_path: Path) -> None:
    with pytest.raises(TemplateProblem, match="không-có"):
        render_report(document, tmp_path / "không-có.j2")


def test_document_round_trip_is_exact() -> None:
    value = {
        "a": Decimal("0.1") + Decimal("0.2"),
        "b": [Decimal("4841.2"), Decimal(771112)],
        "c": None,
    }
    text = dumps(value)
    assert '"a": 0.3' in text and "4841.2" in text and "771112" in text
    assert loads('{"year": 2016, "x": 4841.2}')["x"] == Decimal("4841.2")


def test_a_table_column_keeps_its_decimals(document: Document, tmp_path: Path) -> None:
    text = "{{ 3532 | so(1, co_dinh=true) }} {{ 3739.84 | so(1, co_dinh=true) }} {{ 121 | so }}\n"
    assert render_report(document, template(tmp_path, text)) == "3.532,0 3.739,8 121\n"


def test_changes_sit_in_the_bracket_already_open(document: Document, tmp_path: Path) -> None:
    text = (
        "(FDI{{ 'giảm 1%' | them }}) 5{{ 'tăng 2%' | ngoac }} 6{{ '' | ngoac }}"
        "(DDI{{ '' | them }})\n"
    )
    out = render_report(document, template(tmp_path, text))
    assert out == "(FDI, giảm 1%) 5 (tăng 2%) 6(DDI)\n"


def test_templates_compiled_once_are_read_from_the_cache(
    document: Document, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    path = template(tmp_path, "Năm {{ year }}: {{ t.workers | so(0) }} người.\n")
    first = render_report(document, path)
    [entry] = (cache / "ipstat" / "templates").glob("*.cache")
    compiled = entry.read_bytes()
    assert render_report(document, path) == first == "Năm 2016: 771.112 người.\n"
    path.write_text("{{ year }}\n", encoding="utf-8")  # an edited template is compiled again
    assert render_report(document, path) == "2016\n"
    for damage in (b"", b"j2garbage", compiled[:30]):
        entry.write_bytes(damage)
        assert render_report(document, path) == "2016\n"


def test_no_compiled_templates_kept_when_asked(
    document: Document, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("IPSTAT_NO_CACHE", "1")
    assert render_report(document, template(tmp_path, "{{ year }}\n")) == "2016\n"
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("missing", ["nothere.j2", ""])
def test_a_template_that_is_not_there_is_named_as_such(tmp_path: Path, missing: str) -> None:
    from ipstat.bloc.document import loads
    from ipstat.outputs.render import TemplateProblem
    from ipstat.outputs.report_text import render_report

    document = loads(GOLDEN_JSON.read_text(encoding="utf-8"))
    path = tmp_path / missing if missing else tmp_path
    with pytest.raises(TemplateProblem) as caught:
        render_report(document, path)
    assert "include" not in str(caught.value)
    assert ("không có tệp mẫu này" if missing else "là một thư mục") in str(caught.value)
