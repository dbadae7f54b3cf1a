"""Text in the TCVN3 and VNI font encodings becomes Unicode; Unicode text is never touched."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstat.reading.legacy_text import (
    TCVN3,
    VNI,
    convert,
    font_encoding,
    guess,
    is_upper_font,
    looks_legacy,
)
from tests.legacy_books import encode

NAMES = ["Hà Nam", "Hưng Yên", "Vĩnh Phúc", "Chỉ tiêu", "Giá trị", "Đơn vị tính", "triệu USD"]


@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTime", TCVN3),
        (".VnArial", TCVN3),
        (".VnTimeH", TCVN3),
        ("VNI-Times", VNI),
        ("VNI-Helve", VNI),
        ("Times New Roman", None),
        ("Calibri", None),
        (None, None),
        ("", None),
    ],
)
def test_the_font_names_the_encoding(font: str | None, expected: str | None) -> None:
    assert font_encoding(font) == expected


def test_upper_case_fonts() -> None:
    assert is_upper_font(".VnTimeH") and not is_upper_font(".VnTime")
    assert not is_upper_font("Arial")


def test_published_example() -> None:
    assert convert("Hµ Nam", TCVN3) == "Hà Nam"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_round_trip(name: str, encoding: str) -> None:
    legacy = encode(name, encoding)
    assert legacy != name
    assert convert(legacy, encoding) == name


def test_soft_hyphen_is_u_horn_in_tcvn3() -> None:
    legacy = encode("Hưng Yên", TCVN3)
    assert "\u00ad" in legacy
    assert convert(legacy, TCVN3) == "Hưng Yên"


def test_upper_case_font_gives_capitals() -> None:
    assert convert(encode("chỉ tiêu", TCVN3), TCVN3, upper=True) == "CHỈ TIÊU"


@pytest.mark.parametrize(
    "text", ["Hà Nam", "Hưng Yên", "Thái Bình", "Hải Phòng", "4.841,2", "triệu USD", "KCN", ""]
)
@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_unicode_text_in_a_legacy_font_is_left_alone(text: str, encoding: str) -> None:
    assert convert(text, encoding) is None


@given(st.text(alphabet=st.characters(min_codepoint=0x100, max_codepoint=0x2FFF)))
def test_text_beyond_latin1_is_never_legacy(text: str) -> None:
    assert not looks_legacy(text, TCVN3) and not looks_legacy(text, VNI)


def test_guess_from_content() -> None:
    assert guess(encode("Hà Nam", TCVN3)) == TCVN3
    assert guess("Hà Nam") is None
    assert guess("Ninh Binh") is None


def test_no_shipped_vietnamese_text_looks_legacy(contract) -> None:
    """Every label, unit, heading and member name of the contract, in a legacy font, stays."""
    form = contract.form
    texts = [i.label for i in form.indicators] + [i.unit for i in form.indicators]
    texts += [f.label for f in form.info_fields] + [s.title for s in form.sections]
    texts += [*form.figures_sheet.columns.values(), *form.info_sheet.columns.values()]
    texts += [m.name for m in contract.bloc.members]
    for text in texts:
        for encoding in (TCVN3, VNI):
            assert convert(text, encoding) is None, (text, encoding)
