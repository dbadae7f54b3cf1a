"""Every Word document of the year rendered once by LibreOffice (cycle-documents.md §1): on A4,
nothing outside the page, no word over another, and the header's lines each on one line
(the motto, the date, the issuing body as the bloc file breaks it). `make render` runs these
alone; they need LibreOffice (`soffice`) and Poppler (`pdftotext`, `pdfinfo`)."""

import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

pytestmark = pytest.mark.slow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
A4 = (595.3, 841.9)  # points
HEADER = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
BLOC_HEADING = ["KHỐI THI ĐUA BAN QUẢN LÝ", "CÁC KCN, KCX, KKT CÁC TỈNH", "ĐỒNG BẰNG SÔNG HỒNG"]


@pytest.fixture(scope="module")
def pdfs(
    year_documents: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    if SOFFICE is None or not POPPLER:
        missing = (
            "LibreOffice (soffice) or Poppler (pdftotext) is not installed: "
            "apt-get install -y libreoffice-writer-nogui poppler-utils"
        )
        if os.environ.get("CI"):  # .ci/run installs them: a skip there would hide a defect
            pytest.fail(missing)
        pytest.skip(missing)
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")  # never the user's, never shared
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(out), *map(str, year_documents.values())],
        check=True, capture_output=True, timeout=600, env={**os.environ, "HOME": str(profile)},
    )  # fmt: skip
    return {name: out / f"{path.stem}.pdf" for name, path in year_documents.items()}


def pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)
    ]


def words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (x0, y0, x1, y1), as Poppler finds them."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    root = ElementTree.fromstring(xhtml)
    found = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        found.append([
            (float(w.get("xMin", 0)), float(w.get("yMin", 0)), float(w.get("xMax", 0)),
             float(w.get("yMax", 0)), w.text or "")
            for w in page.iter("{http://www.w3.org/1999/xhtml}word")
        ])  # fmt: skip
    return found


def first_page_lines(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return [" ".join(line.split()) for line in text.splitlines()]


@pytest.mark.parametrize(
    "name",
    ["bao-cao", "de-nghi-khen-thuong", "phieu-binh-xet", "bien-ban", "to-trinh", "giao-uoc",
     "thu-nhac"],
)  # fmt: skip
def test_the_document_renders_on_a4_with_nothing_cut_or_overlapping(
    pdfs: dict[str, Path], name: str
) -> None:
    pdf = pdfs[name]
    sizes = pages(pdf)
    assert sizes and all(sorted((round(w, 1), round(h, 1))) == sorted(A4) for w, h in sizes), (
        sizes
    )  # A4, portrait or a landscape annex
    assert problems(pdf, sizes) == []


def problems(pdf: Path, sizes: list[tuple[float, float]]) -> list[str]:
    """Words outside their page, and words printed over one another."""
    found_problems = []
    for (width, height), found in zip(sizes, words(pdf), strict=True):
        if not found:
            found_problems.append("an empty page")
        for x0, y0, x1, y1, text in found:
            if not (x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height):
                found_problems.append(f"“{text}” outside the page")
        boxes = sorted(found)
        for i, (x0, y0, x1, y1, text) in enumerate(boxes):
            for u0, v0, u1, v1, other in boxes[i + 1 :]:
                if u0 >= x1:
                    break
                across, down = min(x1, u1) - max(x0, u0), min(y1, v1) - max(y0, v0)
                # A word's box is its font's ascent and descent: the boxes of two lines set
                # close touch; a word printed over another covers half its height.
                if across >= 1 and down >= min(y1 - y0, v1 - v0) / 2:
                    found_problems.append(f"“{text}” over “{other}”")
    return found_problems


def test_the_check_finds_words_printed_over_one_another(
    pdfs: dict[str, Path], tmp_path: Path
) -> None:
    """Lines three points apart overlap: the check above is not blind."""
    from docx.shared import Pt

    from ipstat.outputs.word import markdown_to_word

    word = markdown_to_word("Một dòng chữ khá dài " * 20)
    word.paragraphs[0].paragraph_format.line_spacing = Pt(3)
    word.save(str(tmp_path / "chong.docx"))
    assert SOFFICE is not None
    profile = tmp_path / "profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(tmp_path / "chong.docx")],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(profile)},
    )  # fmt: skip
    pdf = tmp_path / "chong.pdf"
    assert any(" over " in p for p in problems(pdf, pages(pdf)))
    del pdfs  # LibreOffice and Poppler are there


@pytest.mark.parametrize(
    ("name", "issuer", "day"),
    [
        ("to-trinh", BLOC_HEADING, "Thái Bình, ngày 10 tháng 02 năm 2017"),
        ("bien-ban", ["KHỐI THI ĐUA BAN QUẢN LÝ"], "Thái Bình, ngày 10 tháng 02 năm 2017"),
        ("giao-uoc", ["ĐỒNG BẰNG SÔNG HỒNG"], "Thái Bình, ngày 20 tháng 02 năm 2016"),
        ("bao-cao", ["CÁC KCN, KCX, KKT CÁC TỈNH"], "Thái Bình, ngày 10 tháng 02 năm 2017"),
        ("thu-nhac", ["THÁI BÌNH"], "Thái Bình, ngày 15 tháng 01 năm 2017"),
    ],
)  # fmt: skip
def test_each_header_line_is_printed_whole_on_one_line(
    pdfs: dict[str, Path], name: str, issuer: list[str], day: str
) -> None:
    lines = first_page_lines(pdfs[name])
    for wanted in [*HEADER, *issuer, day]:
        assert any(wanted in line for line in lines), (wanted, lines[:8])
