"""Input text in a Markdown output (`nguyen_van`): literal in the `.md` and in the `.docx`."""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ipstat.base.visible import visible
from ipstat.outputs.render import markdown_text
from ipstat.outputs.word import markdown_to_word
from tests.markup import HOSTILE, HOSTILE_SHOWN, INJECTED, parse

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
