"""Input text in a Markdown output: literal in the `.md` and in the `.docx`, whether or not a
template asks for it (`nguyen_van`): every value a template prints is escaped by default."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ipstat.base.visible import visible
from ipstat.contract.model import Contract
from ipstat.outputs.render import Markdown, markdown_text, render_template
from ipstat.outputs.word import markdown_to_word
from tests.markup import HOSTILE, HOSTILE_SHOWN, INJECTED, parse

GOLDEN_JSON = Path(__file__).parent / "golden" / "tong-hop-2016.json"

# Text with every character Markdown or HTML reads as structure, among letters and spaces.
MARKUP = st.text(
    st.sampled_from(list("\\`*_[]()<>|~#&;!=+-.:1 \n\taAđ\u2028\x1b")) | st.characters(),
    max_size=40,
)


def literal(text: str) -> str:
    return visible(" ".join(text.split()), keep="")


@given(MARKUP)
def test_input_text_is_one_literal_paragraph(text: str) -> None:
    escaped = markdown_text(text)
    assert "\n" not in escaped and "\r" not in escaped
    parsed = parse(escaped)
    expected = literal(text)
    if not expected:
        assert parsed.kinds == set()
        return
    assert parsed.kinds == {"paragraph_open", "inline", "paragraph_close", "text"}
    assert "".join(parsed.texts) == expected


@given(MARKUP)
def test_input_text_stays_in_its_table_cell(text: str) -> None:
    parsed = parse(f"| A | B |\n|---|---|\n| {markdown_text(text)} | x |\n")
    assert not parsed.kinds & INJECTED
    cells = [t for t in parsed.texts if t]
    assert cells[-1] == "x" and cells[-2:-1] in ([literal(text)], ["B"])


@settings(max_examples=25, deadline=None)
@given(MARKUP)
def test_the_word_draft_shows_input_text_literally(text: str) -> None:
    expected = literal(text)
    assume(expected)  # `****` is no text
    word = markdown_to_word(f"Trước **{markdown_text(text)}** sau\n")
    assert [p.text for p in word.paragraphs] == [f"Trước {expected} sau"]
    bold = [run.text for run in word.paragraphs[0].runs if run.bold]
    assert "".join(bold) == expected


def test_a_hostile_cell() -> None:
    escaped = markdown_text(HOSTILE)
    assert escaped == (
        r"Ban QL \[bấm vào\](http\://evil.example) \<b\>x\</b\> \# Tiêu đề giả \| \*đậm\* \`mã\`"
    )
    assert parse(escaped).texts[1] == HOSTILE_SHOWN
    assert markdown_text("budget_vnd") == "budget_vnd"  # `_` inside a word makes no emphasis
    assert markdown_text("- 1. x") == r"\- 1. x" and markdown_text("2) x") == r"2\) x"


def test_bare_addresses_are_not_autolinked() -> None:
    """GitHub-style renderers link a bare `http://…`, `www.…` or e-mail address."""
    from ipstat.outputs.render import markdown_text

    text = markdown_text("Ban QL http://evil.example, www.evil.vn, thu@evil.vn")
    assert "http://" not in text and "www.e" not in text and "thu@" not in text
    assert text.replace("\\", "") == "Ban QL http://evil.example, www.evil.vn, thu@evil.vn"


# Escaping by default: a template prints input literally without asking for it.

# A member name as a hostile bloc file or workbook could give it: emphasis, a link, HTML, and a
# line break before a heading.
NAME = "*Hà* [Nam](http://x) <b>\n# giả"
NAME_SHOWN = "*Hà* [Nam](http://x) <b> # giả"


def render(tmp_path: Path, text: str, **values: Any) -> str:
    path = tmp_path / "mau.md.j2"
    path.write_text(text, encoding="utf-8")
    return render_template(path, values)


@pytest.mark.parametrize(
    "text",
    [
        "{{ ten }}",
        "{{ ten if ten }}",
        "{{ 'Tên: ' ~ ten }}",
        "{{ ten ~ ten }}",
        "{{ [ten, ten] | join(', ') }}",
        "{{ [ten, 'B'] | noi }}",
        "{{ ten | ngoac }}",
        "{{ ten | upper }}",
        "{{ '%s' | format(ten) }}",
        "{{ 'Tên: {}'.format(ten) }}",
        "{{ '%s' % ten }}",
        "{% macro m(x) %}{{ x }}{% endmacro %}{{ m(ten) }}",
        "{% set x = ten %}{{ x }}",
        "{{ ten | safe }}",
        "{{ ten | e }}",
    ],
)
def test_a_template_prints_input_literally_without_a_filter(tmp_path: Path, text: str) -> None:
    out = render(tmp_path, f"Trước {text} sau\n", ten=NAME)
    assert out.count("\n") == 1  # the line break of the name is gone: one line
    parsed = parse(out)
    assert not parsed.kinds & INJECTED and parsed.headings == []
    assert parsed.kinds <= {"paragraph_open", "inline", "paragraph_close", "text"}
    shown = "".join(parsed.texts)
    assert shown.startswith("Trước ") and shown.endswith(" sau")
    assert NAME_SHOWN.upper() in shown.upper() or "&lt;b&gt;" in shown  # `e`: Jinja's HTML


@given(MARKUP)
def test_any_text_prints_as_nguyen_van_would(text: str) -> None:
    from ipstat.outputs.render import environment

    env = environment(Path(__file__).parent)
    assert env.from_string("{{ x }}").render(x=text) == markdown_text(text)
    assert env.from_string("| {{ x }} |").render(x=text) == f"| {markdown_text(text)} |"


def test_input_stays_in_its_table_cell_in_a_users_template(tmp_path: Path) -> None:
    text = "| Tên | Số |\n|---|---|\n{% for t in ten %}| {{ t }} | 1 |\n{% endfor %}"
    out = render(tmp_path, text, ten=[NAME, "a | b"])
    parsed = parse(out)
    assert not parsed.kinds & INJECTED and parsed.headings == []
    assert [t for t in parsed.texts if t] == ["Tên", "Số", NAME_SHOWN, "1", "a | b", "1"]


def test_nguyen_van_on_top_of_the_default_escapes_once(tmp_path: Path) -> None:
    once = render(tmp_path, "{{ ten }}", ten=NAME)
    assert once == markdown_text(NAME) == r"\*Hà\* \[Nam\](http\://x) \<b\> \# giả"
    for text in (
        "{{ ten | nguyen_van }}",
        "{{ ten | nguyen_van | nguyen_van }}",
        "{{ [ten] | map('nguyen_van') | noi }}",
        "{{ [ten] | map('nguyen_van') | join('') }}",
        "{{ '' ~ (ten | nguyen_van) }}",
        "{{ (ten | nguyen_van) | ngoac }}",
    ):
        assert render(tmp_path, text, ten=NAME).strip(" ()") == once, text


def test_markdown_is_printed_as_it_is(tmp_path: Path) -> None:
    """ipstat's own Markdown and the template's own text are not escaped: the bold stays bold,
    the spaces and line breaks a template writes stay, figures keep their separators."""
    assert render(tmp_path, "{{ m }}", m=Markdown("**đậm** [x](y)")) == "**đậm** [x](y)"
    assert render(tmp_path, "{{ 4841.2 | so }}{{ 'tăng 1%' | ngoac }}") == "4.841,2 (tăng 1%)"
    assert render(tmp_path, "a{{ '; ' if true }}b{{ '\\n' }}c{{ ' *' }}") == "a; b\nc *"
    assert render(tmp_path, "{{ 'Tên: ' ~ ten ~ ' .' }}", ten="A_") == "Tên: A\\_ ."
    assert render(tmp_path, "{{ x }} {{ y }} {{ z }}", x=4841.2, y=Decimal("-5"), z=3) == (
        "4841.2 -5 3"  # a number as Python writes it, as before: no Markdown in it
    )
    bold = "{% macro dam(x) %}**{{ x }}**{% endmacro %}{{ dam(ten) }}"
    assert render(tmp_path, bold, ten="*a*") == r"**\*a\***"  # escaped inside, once


def test_the_report_escapes_names_from_the_bloc_file(tmp_path: Path) -> None:
    """The shipped report prints the bloc's and the members' names with no filter at all."""
    from ipstat.bloc.document import loads
    from ipstat.outputs.report_text import render_report

    document = loads(GOLDEN_JSON.read_text(encoding="utf-8"))
    document["bloc"]["name"] = NAME
    document["missing"] = [NAME, "B"]
    first = document["members"][0]
    document["members"][0] = NAME
    document["provinces"][NAME] = document["provinces"].pop(first)
    parsed = parse(render_report(document))
    assert not parsed.kinds & INJECTED
    assert "giả" not in " ".join(parsed.headings)
    assert f"**{NAME_SHOWN}**" not in parsed.texts and NAME_SHOWN in parsed.texts  # bold
    assert any(f"báo cáo của: {NAME_SHOWN} và B." in t for t in parsed.texts)
    assert NAME_SHOWN in parsed.texts  # its table cell


def test_the_proposal_escapes_units_reasons_and_missing_names(contract: Contract) -> None:
    from ipstat.bloc.document import dumps, loads
    from ipstat.bloc.scoring import score_members
    from ipstat.bloc.scoring_document import score_document
    from ipstat.outputs.proposal import render_proposal
    from ipstat.reading.adjustments import Adjustment
    from tests.test_score import TABLE, registration, yearly

    subs = [yearly(m, {"fdi_new_capital": 125, "export_usd": 115}, "5") for m in ("Hà Nam",)]
    reason = Adjustment("Hà Nam", "III.1", Decimal(5), NAME, "dc.xlsx", "Điều chỉnh", "C4")
    scoring, findings = score_members(
        subs, [registration("Hà Nam")], TABLE, contract, 2016,
        previous={"Hà Nam": {"export_usd": Decimal(100)}}, adjustments=[reason],
    )  # fmt: skip
    assert scoring is not None, findings
    document = loads(dumps(score_document(scoring, contract, {}, [])))
    document["members"]["Hà Nam"]["unit"] = NAME
    document["awards"][0]["members"] = ["Hà Nam"]
    document["missing"] = [NAME]
    parsed = parse(render_proposal(document))
    assert not parsed.kinds & INJECTED
    assert "giả" not in " ".join(parsed.headings)
    texts = " ".join(parsed.texts)
    assert f"Lý do: {NAME_SHOWN}." in texts  # the secretariat's reason
    assert f"cho {NAME_SHOWN} (" in texts  # the unit's name, escaped once by `ten_dv`
    assert f"báo cáo của {NAME_SHOWN} nên" in texts
