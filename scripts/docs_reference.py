"""Write the reference pages of docs/ from the project's own code and data, or check them.

    python scripts/docs_reference.py          # write docs/reference/*.md and the JSON Schema
    python scripts/docs_reference.py --check  # exit 1, naming the pages, if the committed differ

The pages:
- `docs/reference/lenh.md`: every command of the `ipstat` group (found on the typer app, so a
  command added later is there without editing this script), with its real `--help`;
- `docs/reference/quy-tac.md`: every rule of `schemas/rules.toml`, with its title, severity,
  scope, meaning and fix, and the checks between indicators that use it;
- `docs/reference/chi-tieu.md`: the indicators of `schemas/form.toml`;
- `docs/ci/schemas/bieu-bao-cao.schema.json`: `ipstat schema --format json`;
- `docs/phan-tich/so-tay.md`: the analysts' notebook shown as a page (its cells, without outputs).

`tests/test_docs.py` runs `--check`, in the manner of `cog --check`.
"""

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import typer
from typer.testing import CliRunner

from ipstat.cli import app
from ipstat.contract.model import Contract, load_contract
from ipstat.contract.submission_schema import submission_schema

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
WIDTH = "100"  # the help is wrapped at this many columns, whatever the terminal
NOTICE = (
    "<!-- Trang này do scripts/docs_reference.py viết từ mã nguồn và dữ liệu của ipstat; "
    "đừng sửa tay: chạy `make reference`. -->"
)

# The page of the docs that tells each command's task; a command not listed here (a new one) is
# still in the reference, without the link.
TASK_PAGES = {
    "template": "bieu-mau.md",
    "pact": "van-ban.md",
    "validate": "kiem-tra.md",
    "status": "nhan-bieu.md",
    "aggregate": "tong-hop.md",
    "report": "mau-bao-cao.md",
    "score": "thi-dua.md",
    "history": "lich-su.md",
    "schema": "quy-uoc.md",
    "serve": "portal.md",
    "links": "portal.md",
}
SEVERITY = {"error": "lỗi", "warning": "cảnh báo", "note": "ghi chú"}
SCOPES = {
    "workbook": ("Quy tắc của một biểu", "`validate` và mọi lệnh đọc biểu kiểm tra từng tệp."),
    "bloc": ("Quy tắc của cả Khối", "Khi xét các biểu cùng nhau: `aggregate`, `status`, `score`."),
    "score": ("Chấm điểm và biểu quyết", "`ipstat score`, kể cả `--adjustments` và `--tally`."),
    "document": (
        "Văn bản của năm",
        "Khi ghi văn bản để ký; cảnh báo in khi chạy lệnh, không bao giờ nằm trong văn bản.",
    ),
}
KINDS = {"count": "số đếm", "money": "tiền", "area": "diện tích"}
MEASURES = {"flow": "phát sinh trong kỳ", "stock": "lũy kế, hiện có"}


def help_text(*args: str) -> str:
    """What `ipstat ARGS --help` prints, at WIDTH columns."""
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": WIDTH}, prog_name="ipstat")
    if result.exit_code != 0:
        raise SystemExit(f"ipstat {' '.join(args)} --help: mã thoát {result.exit_code}")
    return "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())


def command_names() -> list[str]:
    """The commands in the order `ipstat --help` lists them."""
    group = typer.main.get_command(app)
    context = group.make_context("ipstat", ["--help"], resilient_parsing=True)
    names: list[str] = group.list_commands(context)  # type: ignore[attr-defined]
    return names


def commands_page() -> str:
    lines = [
        NOTICE,
        "",
        "# Các lệnh",
        "",
        "Hướng dẫn của từng lệnh, đúng như `ipstat <lệnh> --help` in ra. Mã thoát chung: `0` thành "
        "công; `1` có lỗi trong số liệu (không ghi tệp nào), hoặc với `status`, còn thành viên "
        "chưa xong; `2` dùng sai lệnh hoặc lỗi của hệ điều hành; `70` lỗi ngoài dự kiến của "
        "ipstat.",
        "",
        "```text",
        help_text(),
        "```",
    ]
    for name in command_names():
        lines += ["", f"## `ipstat {name}` {{#{name}}}", ""]
        if name in TASK_PAGES:
            lines += [f"Cách dùng theo công việc: [{name}](../{TASK_PAGES[name]}).", ""]
        lines += ["```text", help_text(name), "```"]
    return "\n".join(lines) + "\n"


def rules_page(contract: Contract) -> str:
    rules = contract.rules
    lines = [
        NOTICE,
        "",
        "# Các quy tắc kiểm tra",
        "",
        "Mọi quy tắc của `schemas/rules.toml`, với mã cố định (dùng trong `--format json`, JUnit, "
        "GitHub Actions), mức, ý nghĩa và cách sửa. **Lỗi** phải sửa trước khi tổng hợp; "
        "**cảnh báo** nên xem lại; **ghi chú** không cần sửa và không làm `--strict` thất bại. "
        f"Tổng cộng {len(rules.rules)} quy tắc.",
    ]
    for scope, (title, intro) in SCOPES.items():
        ids = rules.of_scope(scope)
        if not ids:
            continue
        lines += ["", f"## {title}", "", intro]
        for rule_id in ids:
            rule = rules.rules[rule_id]
            lines += [
                "",
                f"### {rule.title} {{#{rule_id}}}",
                "",
                f"`{rule_id}` · {SEVERITY[rule.severity]}",
                "",
                f"**Ý nghĩa.** {rule.meaning or rule.title}",
                "",
                f"**Cách sửa.** {rule.fix or 'Xem nội dung thông báo.'}",
            ]
            checks = [c for c in rules.checks if c.rule == rule_id]
            if checks:
                lines += ["", "Phép kiểm tra giữa các chỉ tiêu:", ""]
                for check in checks:
                    when = f" khi `{check.when}`" if check.when else ""
                    lines.append(f"- `{check.expect}`{when}: {check.hint}")
    return "\n".join(lines) + "\n"


def indicators_page(contract: Contract) -> str:
    form = contract.form
    lines = [
        NOTICE,
        "",
        "# Các chỉ tiêu",
        "",
        f"{form.title} ({form.version}): mục, mã (dùng trong tệp JSON, CSV và mẫu báo cáo), tên, "
        "đơn vị tính, loại số và loại chỉ tiêu (số phát sinh trong kỳ hay số lũy kế, hiện có; "
        "xem [Sơ kết 6 tháng](../so-ket.md)). `ipstat schema` in cùng bảng này.",
        "",
        "| Mục | Mã | Chỉ tiêu | Đơn vị tính | Loại | Phát sinh / lũy kế |",
        "|---|---|---|---|---|---|",
    ]
    for ind in form.indicators:
        lines.append(
            f"| {ind.section} | `{ind.code}` | {ind.label} | {ind.unit} | {KINDS[ind.kind]} "
            f"| {MEASURES[ind.measure]} |"
        )
    lines += [
        "",
        "Chỉ tiêu tính từ tổng Khối:",
        "",
        "| Mã | Chỉ tiêu | Đơn vị tính |",
        "|---|---|---|",
    ]
    lines += [f"| `{d.code}` | {d.label} | {d.unit} |" for d in form.derived]
    return "\n".join(lines) + "\n"


NOTEBOOK = DOCS / "phan-tich" / "so-tay-phan-tich.ipynb"


def notebook_page() -> str:
    """The notebook's cells as a page: its Markdown as it is, its code in Python blocks."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    parts = [NOTICE]
    for number, cell in enumerate(cells):
        source = "".join(cell["source"]).strip("\n")
        if cell["cell_type"] == "markdown":
            parts.append(source)
            if number == 0:
                parts.append(
                    f"Tải sổ tay về: [`{NOTEBOOK.name}`]({NOTEBOOK.name}). Bộ kiểm thử chạy sổ tay "
                    "này (nbmake) mỗi lần mã thay đổi; kết quả của từng ô hiện ra khi bạn chạy nó."
                )
        elif cell["cell_type"] == "code":
            parts.append(f"```python\n{source}\n```")
    return "\n\n".join(parts) + "\n"


def pages() -> dict[Path, Callable[[], str]]:
    contract = load_contract()
    return {
        DOCS / "reference" / "lenh.md": commands_page,
        DOCS / "reference" / "quy-tac.md": lambda: rules_page(contract),
        DOCS / "reference" / "chi-tieu.md": lambda: indicators_page(contract),
        DOCS / "phan-tich" / "so-tay.md": notebook_page,
        DOCS / "ci" / "schemas" / "bieu-bao-cao.schema.json": lambda: (
            json.dumps(submission_schema(contract), ensure_ascii=False, indent=2) + "\n"
        ),
    }


def drifted() -> list[Path]:
    """The pages whose committed text is not what the code and data make now."""
    return [
        path
        for path, make in pages().items()
        if not path.is_file() or path.read_text(encoding="utf-8") != make()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 on a drift")
    check = parser.parse_args(argv).check
    if check:
        stale = drifted()
        for path in stale:
            print(f"{path.relative_to(ROOT)}: khác mã nguồn; chạy `make reference`.")
        return 1 if stale else 0
    for path, make in pages().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make(), encoding="utf-8", newline="\n")
        print(f"Đã ghi {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
