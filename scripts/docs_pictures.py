"""The example inputs and the pictures of docs/, from the sample data's real outputs.

    python scripts/docs_pictures.py    # make pictures

Writes
- `docs/vi-du/bieu-ha-nam-2016-co-loi.xlsx`: Hà Nam's 2016 sample workbook with two errors, a
  warning and a note, which the pages' examples validate, annotate and chase;
- `docs/vi-du/kiem-phieu-2016.xlsx`: the count sheet of the sample's vote, filled in as the
  conference of 10/02/2017 voted (nine present, every candidate approved);
- `docs/assets/*.png`: the annotated copy, the consolidated workbook, the history's charts, the
  first page of the tờ trình, and the portal's pages of a member and of the secretariat when
  `ipstat serve` exists (else skipped with a message).

Needs LibreOffice (`soffice`), the Carlito font (fonts-crosextra-carlito: Calibri's measures, or
the workbooks' columns and charts print wider than in Excel) and Poppler (`pdftoppm`,
`pdftotext`); the portal's picture needs
Chromium (and chromium-l10n, for the browser's own words in Vietnamese). The PNGs are
committed, so building the site needs none of them.
"""

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

from ipstat.bloc.document import dumps, to_document
from ipstat.bloc.totals import Aggregate, Source, derive, sum_members
from ipstat.contract.model import Contract, load_contract

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
EXAMPLES = ROOT / "docs" / "vi-du"
ASSETS = ROOT / "docs" / "assets"
FAULTY = EXAMPLES / "bieu-ha-nam-2016-co-loi.xlsx"
COUNT = EXAMPLES / "kiem-phieu-2016.xlsx"
WIDTH = 1000  # pixels across a picture
DAY = "10/02/2017"  # the 2016 summary conference

# The sample's vote at the conference (tests/year_documents.py SAMPLE_VOTES): (for, against).
VOTES = {
    ("Cờ thi đua", "Hải Dương"): (9, 0),
    ("Cờ thi đua", "Nam Định"): (8, 1),
    ("Bằng khen", "Hà Nam"): (9, 0),
    ("Bằng khen", "Hưng Yên"): (7, 2),
    ("Bằng khen", "Bắc Ninh"): (8, 1),
    ("Bằng khen", "Vĩnh Phúc"): (6, 3),
    ("Bằng khen", "Hải Phòng"): (7, 2),
    ("Bằng khen", "Quảng Ninh"): (5, 4),
}
SCORE = [
    "score", str(SAMPLE / "thi-dua-2016" / "nhan-ve"),
    "--registrations", str(SAMPLE / "thi-dua-2016" / "dang-ky"),
    "--adjustments", str(SAMPLE / "thi-dua-2016" / "dieu-chinh-2016.xlsx"),
    "--date", DAY,
]  # fmt: skip


def ipstat(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "ipstat", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "COLUMNS": "100"},
        check=False,
    )
    return done


def ipstat_ok(*args: str, cwd: Path | None = None) -> None:
    done = ipstat(*args, cwd=cwd)
    if done.returncode != 0:
        raise SystemExit(f"ipstat {' '.join(args)}: mã thoát {done.returncode}\n{done.stderr}")


# --- the example inputs -----------------------------------------------------------------------


def save(book: openpyxl.Workbook, path: Path) -> None:
    """The workbook with the same bytes on every run (its dates and the zip's times fixed), so
    that a rerun changes nothing but what changed."""
    book.properties.created = dt.datetime(2017, 1, 15)
    book.save(path)  # openpyxl sets `modified` to the time of saving
    with zipfile.ZipFile(path) as written:
        parts = [(info.filename, written.read(info)) for info in written.infolist()]
    parts = [
        (name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2017-01-15T00:00:00Z", content))
        for name, content in parts
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as stable:
        for name, content in parts:
            stable.writestr(zipfile.ZipInfo(name, (2017, 1, 15, 0, 0, 0)), content,
                            zipfile.ZIP_DEFLATED)  # fmt: skip


def faulty_workbook() -> None:
    """Hà Nam's sample, spoilt: a count with a fraction (D6), a number typed as text (D7), a
    negative capital (D9), and the province written without its marks (C4)."""
    book = openpyxl.load_workbook(SAMPLE / "2016" / "bieu-ha-nam-2016.xlsx")
    figures = book["Chỉ tiêu"]
    figures["D6"] = 12.5
    figures["D7"] = "217,86"
    figures["D9"] = -2310.67
    book["Thông tin"]["C4"] = "Ha Nam"
    save(book, FAULTY)


def count_sheet(work: Path) -> Path:
    """The sample's ballots and count sheet, then the count filled in as the bloc voted."""
    out = work / "ket-qua-2016"
    ipstat_ok(*SCORE, "--out", str(out), "--docx", "--ballots")
    book = openpyxl.load_workbook(out / "kiem-phieu-2016.xlsx")
    sheet = book["Kiểm phiếu"]
    sheet["B3"] = 9
    for row in sheet.iter_rows(min_row=7):
        key = (row[0].value, row[1].value)
        if key in VOTES:
            row[3].value, row[4].value = VOTES[key]
    save(book, COUNT)
    ipstat_ok(*SCORE, "--out", str(out), "--docx", "--tally", str(COUNT))
    return out


# --- rendering --------------------------------------------------------------------------------


def to_pdf(document: Path, folder: Path) -> Path:
    """The document as LibreOffice prints it on a Vietnamese desktop: `4.841,20`, as Excel
    shows the workbook's `#,##0.00` there (LibreOffice takes its locale from LANG)."""
    profile = folder / "lo-profile"
    subprocess.run(
        [
            "soffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
            "--convert-to", "pdf", "--outdir", str(folder), str(document),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "LANG": "vi_VN.UTF-8", "LC_ALL": "vi_VN.UTF-8"},
    )  # fmt: skip
    return folder / f"{document.stem}.pdf"


def page_with(pdf: Path, words: str) -> int:
    """The first page of the PDF whose text holds `words`."""
    pages = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout.split("\f")
    for number, text in enumerate(pages, 1):
        if words in " ".join(text.split()):
            return number
    raise SystemExit(f"{pdf.name}: không trang nào có “{words}”")


def picture(
    pdf: Path,
    page: int,
    name: str,
    *,
    top: float = 0.0,
    height: float = 1.0,
    across: float = 1.0,
    width: int = WIDTH,
) -> Path:
    """One page as a PNG `width` pixels wide, or the part of it from `top` down `height` (fractions
    of the page's height) and from its left edge `across` (a fraction of its width)."""
    target = ASSETS / name
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "p"
        subprocess.run(
            ["pdftoppm", "-png", "-f", str(page), "-l", str(page), "-singlefile",
             "-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf), str(stem)],
            check=True,
        )  # fmt: skip
        whole = stem.with_suffix(".png")
        if (top, height, across) != (0.0, 1.0, 1.0):
            full_height = png_size(whole)[1]
            subprocess.run(
                ["pdftoppm", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                 "-scale-to-x", str(width), "-scale-to-y", "-1",
                 "-x", "0", "-y", str(int(full_height * top)), "-W", str(int(width * across)),
                 "-H", str(int(full_height * height)), str(pdf), str(stem)],
                check=True,
            )  # fmt: skip
        shutil.copyfile(whole, target)
    print(f"Đã ghi {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB)")
    return target


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[16:24]
    return int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")


# --- the pictures -----------------------------------------------------------------------------


def annotated_copy(work: Path) -> None:
    inbox = work / "nhan-ve"
    inbox.mkdir()
    shutil.copy(FAULTY, inbox / "bieu-ha-nam-2016.xlsx")
    ipstat("validate", str(inbox), "--annotate", str(work / "gui-lai"))
    pdf = to_pdf(work / "gui-lai" / "bieu-ha-nam-2016.xlsx", work)
    picture(pdf, 1, "ban-ghi-chu.png", height=0.3)  # the sheet “Lỗi cần sửa” comes first
    picture(pdf, page_with(pdf, "fdi_new_capital"), "ban-ghi-chu-chi-tieu.png", height=0.5)


def consolidated(work: Path) -> None:
    out = work / "ket-qua-tong-hop"
    ipstat_ok("aggregate", str(SAMPLE / "2016"), "--out", str(out))
    pdf = to_pdf(out / "tong-hop-2016.xlsx", work)
    picture(pdf, 1, "tong-hop.png", height=0.62)


def grown_year(year: int, contract: Contract, base: dict[str, dict[str, str]],
               missing: tuple[str, ...] = ()) -> str:  # fmt: skip
    """A made-up year from the 2016 sample: member i grows i% a year; `missing` did not send."""
    counts = {i.code for i in contract.form.indicators if i.kind == "count"}
    provinces = {}
    for i, (member, figures) in enumerate(base.items()):
        if member in missing:
            continue
        factor = (1 + Decimal(i) / 100) ** (year - 2016)
        provinces[member] = {
            code: (Decimal(value) * factor).quantize(
                Decimal(1) if code in counts else Decimal("0.01"), ROUND_HALF_UP
            )
            for code, value in figures.items()
        }
    totals = sum_members(provinces, [i.code for i in contract.form.indicators])
    made = Aggregate(
        year=year,
        members=list(provinces),
        missing=[m for m in contract.bloc.names if m not in provinces],
        totals=totals,
        derived=derive(totals, contract),
        provinces=provinces,
        sources=[
            Source(f"bieu-{i}-{year}.xlsx", f"{i:064x}", m, {}) for i, m in enumerate(provinces)
        ],
    )
    return dumps(to_document(made, contract)) + "\n"


def history_charts(work: Path) -> None:
    """2016 as aggregated from the sample; 2017 to 2019 made up from it, as in
    tests/test_history.py. The charts' first page, whole (with Carlito installed, as the page
    prints)."""
    years = work / "ket-qua-lich-su"
    ipstat_ok("aggregate", str(SAMPLE / "2016"), "--out", str(years / "2016"))
    base = json.loads((years / "2016" / "tong-hop-2016.json").read_text(encoding="utf-8"))
    contract = load_contract()
    for year in (2017, 2018, 2019):
        path = years / str(year) / f"tong-hop-{year}.json"
        path.parent.mkdir(parents=True)
        path.write_text(grown_year(year, contract, base["provinces"]), encoding="utf-8")
    ipstat_ok("history", str(years), "--out", str(work / "lich-su"), "--format", "xlsx")
    pdf = to_pdf(work / "lich-su" / "lich-su-2016-2019.xlsx", work)
    charts = page_with(pdf, "Số dự án FDI được cấp mới GCNĐKĐT (dự án) Vốn đăng ký")
    picture(pdf, charts, "lich-su-bieu-do.png", top=0.05, height=0.8)


def document_page(out: Path, work: Path) -> None:
    pdf = to_pdf(out / "to-trinh-khen-thuong-2016.docx", work)
    picture(pdf, 1, "to-trinh.png", height=0.56, width=820)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def serving(inbox: Path, port: int) -> Iterator[None]:
    """`ipstat serve` on the loopback for the sample's year, until the block ends. The files
    are received today, so the deadline is put two weeks ahead: the pages say "on time"."""
    soon = (dt.date.today() + dt.timedelta(days=14)).strftime("%d/%m/%Y")
    server = subprocess.Popen(
        [sys.executable, "-m", "ipstat", "serve", str(inbox), "--year", "2016",
         "--host", "127.0.0.1", "--port", str(port), "--deadline", soon],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


def screenshot(chromium: str, url: str, name: str, work: Path) -> None:
    shot = work / name
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--lang=vi",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         f"--screenshot={shot}", f"--window-size={WIDTH},800", url],
        env={**os.environ, "LANGUAGE": "vi", "LANG": "vi_VN.UTF-8"},  # the browser's own words
        capture_output=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    if not shot.is_file():
        print(f"Bỏ qua {name}: Chromium không chụp được {url}.")
        return
    shutil.copyfile(shot, ASSETS / name)
    print(f"Đã ghi docs/assets/{name} ({shot.stat().st_size // 1024} KB)")


def portal(work: Path) -> None:
    """A member's page and the secretariat's page of the portal (issue 23), when this ipstat has
    `ipstat links` and `ipstat serve`; else a message."""
    if ipstat("serve", "--help").returncode != 0 or ipstat("links", "--help").returncode != 0:
        print("Bỏ qua ảnh cổng nhận biểu: ipstat chưa có lệnh `serve` và `links`.")
        return
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Bỏ qua ảnh cổng nhận biểu: chưa cài Chromium (apt-get install -y chromium).")
        return
    inbox = work / "nhan-ve-cong"
    shutil.copytree(SAMPLE / "2016", inbox)
    (inbox / "bieu-ha-noi-2016.xlsx").unlink()  # one member still to send
    shutil.copy(FAULTY, inbox / "bieu-ha-nam-2016.xlsx")  # and one to correct
    port = free_port()
    made = ipstat("links", str(inbox), "--year", "2016", "--json",
                  "--base-url", f"http://127.0.0.1:{port}")  # fmt: skip
    try:
        issued = json.loads(made.stdout)
        member, secretariat = issued["members"]["Hà Nam"], issued["secretariat"]
    except (ValueError, KeyError, TypeError):
        print(
            f"Bỏ qua ảnh cổng nhận biểu: `ipstat links --json` không cho đường dẫn.\n{made.stderr}"
        )
        return
    with serving(inbox, port):
        screenshot(chromium, member, "cong-thanh-vien.png", work)
        screenshot(chromium, secretariat, "cong-van-phong.png", work)


def main() -> int:
    missing = [tool for tool in ("soffice", "pdftoppm", "pdftotext") if shutil.which(tool) is None]
    if missing:
        print(f"Cần {', '.join(missing)} (apt-get install -y libreoffice-writer-nogui "
              "libreoffice-calc-nogui poppler-utils).")  # fmt: skip
        return 2
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    ASSETS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipstat-pictures-") as folder:
        work = Path(folder)
        faulty_workbook()
        year_documents = count_sheet(work)
        annotated_copy(work)
        consolidated(work)
        history_charts(work)
        document_page(year_documents, work)
        portal(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
