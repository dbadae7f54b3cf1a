"""ipstat's own outputs found among the inputs: a run never reads what an earlier run wrote.

Consolidated, scoring and history workbooks are known by their names; an annotated copy keeps
its member's name, so it is known by the sheet ipstat adds to it.
"""

import re
import zipfile
from pathlib import Path

ANNOTATION_SHEET = "Lỗi cần sửa"
_PERIOD = r"(-6-thang)?"  # a half-year's outputs (half-year.md)
_OUTPUTS = (
    (
        rf"tong-hop-\d{{4}}{_PERIOD}\.(xlsx|json)|bao-cao-\d{{4}}{_PERIOD}\.(md|docx)",
        "`ipstat aggregate`",
    ),
    (
        r"cham-diem-\d{4}\.(xlsx|json)|de-nghi-khen-thuong-\d{4}\.(md|docx)"
        r"|phieu-binh-xet-\d{4}\.docx|kiem-phieu-\d{4}\.xlsx"
        r"|(bien-ban-binh-xet|to-trinh-khen-thuong)-\d{4}\.(md|docx)",
        "`ipstat score`",
    ),
    (r"giao-uoc-thi-dua-\d{4}\.(md|docx)", "`ipstat pact`"),
    (rf"lich-su-\d{{4}}(-\d{{4}})?{_PERIOD}\.(xlsx|csv|md|json)", "`ipstat history`"),
    (rf"thu-nhac-.+-\d{{4}}{_PERIOD}\.(md|docx)", "thư nhắc của `ipstat status`"),
)
OUTPUT_ACTION = (
    "ipstat không đọc lại kết quả của chính nó; hãy để thư mục kết quả ngoài thư mục nhận báo cáo"
)
ANNOTATED_REASON = (
    f"bản có ghi chú do ipstat ghi (có trang “{ANNOTATION_SHEET}”), không phải biểu thành viên gửi"
)
ANNOTATED_ACTION = (
    f"nếu thành viên đã sửa ngay trên bản này rồi gửi lại, hãy xóa trang “{ANNOTATION_SHEET}” "
    "rồi chạy lại"
)
_WORKBOOK_XML_BYTES = 1 << 20  # the sheet list of any workbook ipstat writes is far smaller


ADJUSTMENTS_REASON = (
    "bảng điều chỉnh điểm của Thường trực Khối (trang “Điều chỉnh”), không phải biểu thành viên gửi"
)
ADJUSTMENTS_ACTION = "bảng này được đọc và kiểm tra bằng lệnh ipstat score … --adjustments <tệp>"


class OwnOutputError(Exception):
    """A workbook that ipstat wrote, found where members' workbooks are read."""

    def __init__(self, reason: str, action: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.action = action


def output_by_name(path: Path) -> str | None:
    """Why `path` is one of ipstat's outputs by its name, or None."""
    for pattern, what in _OUTPUTS:
        if re.fullmatch(pattern, path.name, re.IGNORECASE):
            return f"kết quả do ipstat ghi ({what}), không phải biểu báo cáo"
    return None


def is_annotated(sheet_names: list[str]) -> bool:
    return ANNOTATION_SHEET in sheet_names


def has_annotation_sheet(path: Path) -> bool:
    """Cheaply, from the workbook's sheet list only (no cell is read); False for any file that
    is not a readable workbook."""
    try:
        with zipfile.ZipFile(path) as book, book.open("xl/workbook.xml") as part:
            data = part.read(_WORKBOOK_XML_BYTES)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, RuntimeError, EOFError):
        return False
    return re.search(rf"""name\s*=\s*["']{ANNOTATION_SHEET}["']""".encode(), data) is not None
