"""Findings and summaries for a person at a terminal (rich); plain when piped or with NO_COLOR.

Every text that comes from input (file names, sheet names, cell values quoted in messages,
member names) is printed here as a rich `Text` (never parsed as markup: `[/]`, `[link=…]` stay
text) with control characters made visible; findings themselves stay the text they are.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ipstat.base.findings import (
    Finding,
    Skipped,
    ValidationReport,
    Vocabulary,
    count_by_severity,
    in_order,
)
from ipstat.base.formatting import format_date, format_datetime, format_number
from ipstat.base.periods import span
from ipstat.base.visible import visible
from ipstat.contract.model import Contract

if TYPE_CHECKING:
    from ipstat.bloc.inbox import InboxStatus

SEVERITY_WORDS = {
    "error": Text("lỗi", "red"),
    "warning": Text("cảnh báo", "yellow"),
    "note": Text("ghi chú"),
}


def shown(text: object, style: str = "") -> Text:
    """Input text printed as it is: not markup, and an escape sequence or a line break is
    shown (`␛[2J`, `␊`) instead of reaching the terminal (a line that starts anew could be
    read as a command, `::error` in a CI log)."""
    return Text(visible(str(text), keep=""), style)


def verdict(name: str, findings: Iterable[Finding]) -> Text:
    errors, warnings, notes = count_by_severity(findings)
    if not errors and not warnings:
        noted = f" ({notes} ghi chú)" if notes else ""
        return Text.assemble(("✓", "green"), " ", shown(name), noted)
    mark = ("✗", "red") if errors else ("!", "yellow")
    noted = f", {notes} ghi chú" if notes else ""
    return Text.assemble(mark, " ", shown(name), f": {errors} lỗi, {warnings} cảnh báo{noted}")


def findings_table(
    findings: list[Finding], vocabulary: Vocabulary, with_file: bool = False
) -> Table:
    """Sheet, cell, severity, the rule's title and what to do, the indicator named (a clerk
    reads this; the codes are in `--format json`). With `with_file`, a first column says which
    file (or the whole bloc) each is about. A sheet or cell column none of them has is left out."""
    columns: list[tuple[str, Callable[[Finding], Text]]] = [
        ("Tệp", lambda f: shown(Path(f.file).name) if f.file else Text("Toàn Khối")),
        ("Trang", lambda f: shown(f.sheet or "")),
        ("Ô", lambda f: shown(f.cell or "")),
        ("Mức", lambda f: SEVERITY_WORDS[f.severity]),
        ("Quy tắc", lambda f: shown(vocabulary.title(f.rule))),
        ("Nội dung", lambda f: shown(vocabulary.content(f))),
    ]
    wanted = {
        "Tệp": with_file,
        "Trang": any(f.sheet for f in findings),
        "Ô": any(f.cell for f in findings),
    }
    columns = [(title, cell) for title, cell in columns if wanted.get(title, True)]
    table = Table(show_header=True, header_style="bold", expand=False)
    for title, _ in columns:
        fold = title in ("Tệp", "Quy tắc", "Nội dung")
        table.add_column(title, overflow="fold" if fold else "ellipsis")
    for f in in_order(findings):
        table.add_row(*(cell(f) for _, cell in columns))
    return table


def print_report(console: Console, report: ValidationReport, vocabulary: Vocabulary) -> None:
    for file_report in report.files:
        if file_report.findings:
            console.print()
            console.print(shown(file_report.path, "bold"), soft_wrap=True)
            console.print(findings_table(file_report.findings, vocabulary))
    if report.bloc_findings:
        console.print("\n[bold]Toàn Khối[/]")
        console.print(findings_table(report.bloc_findings, vocabulary))
    print_skipped(console, report.skipped)
    console.print()
    for file_report in report.files:
        console.print(verdict(str(file_report.path), file_report.findings), soft_wrap=True)
    errors, warnings, notes = count_by_severity(report)
    noted = f", {notes} ghi chú" if notes else ""
    skipped = f" {len(report.skipped)} tệp bỏ qua." if report.skipped else ""
    console.print(
        f"\n{len(report.files)} tệp: {errors} lỗi, {warnings} cảnh báo{noted}.{skipped}",
        style="bold red" if errors else "bold green",
        soft_wrap=True,
    )


def print_skipped(console: Console, skipped: list[Skipped]) -> None:
    """Every file of a folder that was not read, so none is left out without a word."""
    if not skipped:
        return
    console.print(f"\n[bold]Các tệp không đọc ({len(skipped)}):[/]")
    for s in skipped:
        line = Text.assemble(("–", "yellow"), " ", shown(s.file), ": ", shown(s.reason))
        console.print(line.append("; ").append(shown(s.action)).append("."), soft_wrap=True)


def catalogue_table(contract: Contract) -> Table:
    table = Table(title=shown(f"{contract.form.title} ({contract.form.version})"))
    for title in ("Mục", "Mã", "Chỉ tiêu", "Đơn vị tính", "Loại"):
        table.add_column(title)
    kinds = {"count": "số đếm", "money": "tiền", "area": "diện tích"}
    for ind in contract.form.indicators:
        table.add_row(*map(shown, (ind.section, ind.code, ind.label, ind.unit)), kinds[ind.kind])
    for d in contract.form.derived:
        table.add_row("", *map(shown, (d.code, d.label, d.unit)), "tính từ tổng Khối")
    return table


def print_summary(
    console: Console,
    document: dict[str, Any],
    headline: Iterable[str],
    files: Iterable[Path],
    stale_files: Iterable[Path] = (),
) -> None:
    """Who sent, who did not, the headline totals and ratios, and where the files are."""
    members, missing = document["members"], document["missing"]
    period = span(document.get("period"), document["year"])
    console.print(shown(f"{document['bloc']['name']} – {period}", "bold"))
    console.print(
        f"Đã nhận báo cáo của {len(members)}/{len(members) + len(missing)} thành viên.",
        soft_wrap=True,
    )
    if missing:
        text = f"Chưa nhận được báo cáo của: {', '.join(missing)}."
        console.print(shown(text, "yellow"), soft_wrap=True)
    labels = {i["code"]: i for i in document["indicators"]}
    table = Table(show_header=True, header_style="bold")
    table.add_column("Chỉ tiêu")
    table.add_column("Tổng Khối", justify="right")
    table.add_column("Đơn vị")
    for code in headline:  # one number of decimals per kind, as in the report's tables
        decimals = 0 if labels[code]["kind"] == "count" else 1
        table.add_row(
            shown(labels[code]["label"]),
            format_number(document["totals"][code], decimals, fixed=True),
            shown(labels[code]["unit"]),
        )
    for ratio in (d for d in document["derived_indicators"] if d["unit"] == "%"):
        value = document["derived"][ratio["code"]]
        shown_value = "–" if value is None else format_number(value, 1, fixed=True) + "%"
        table.add_row(shown(ratio["label"]), shown_value, "")
    console.print(table)
    for path in files:
        console.print(written(path), soft_wrap=True)
    for path in stale_files:
        console.print(stale(path), soft_wrap=True)


def written(path: Path) -> Text:
    return Text.assemble("Đã ghi ", shown(path, "bold"))


def stale(path: Path) -> Text:
    """An earlier run's Word draft this run did not make again: left as it is (it may hold a
    clerk's edits), and said to be out of date."""
    return Text.assemble(
        ("Chú ý: ", "yellow"),
        shown(path, "bold"),
        " là bản của lần chạy trước, không khớp với số liệu vừa ghi (lần này không có --docx); "
        "hãy chạy lại với --docx, hoặc xóa tệp đó nếu không cần.",
    )


STATUS_WORDS = {
    "chua-nop": "[red]Chưa nộp[/]",
    "can-sua": "[yellow]Cần sửa ({errors} lỗi)[/]",
    "da-tiep-nhan": "[green]Đã tiếp nhận[/]",
}


def status_table(status: "InboxStatus") -> Table:
    """One row per member in bloc order; file names are the senders' text, shown as text."""
    due = format_date(status.deadline)
    table = Table(
        title=f"Báo cáo {span(status.period, status.year)} – hạn nộp {due}",
        show_header=True,
        header_style="bold",
    )
    for title in ("Thành viên", "Trạng thái"):
        table.add_column(title, no_wrap=True)
    table.add_column("Tệp", overflow="fold")
    table.add_column("Nhận lúc", min_width=16)  # `08/01/2018 08:15`, never cut on a terminal
    table.add_column("Hạn nộp", no_wrap=True)
    table.add_column("Bản cũ", justify="right")
    for entry in status.members:
        version = entry.version
        words = STATUS_WORDS[entry.status].format(errors=version.counts[0] if version else 0)
        if version is None:
            days = format_number(entry.days_late or 0, 0)
            timing = f"[red]quá hạn {days} ngày[/]" if entry.days_late else "–"
        elif entry.on_time:
            timing = "đúng hạn"
        else:
            timing = f"[yellow]trễ {format_number(entry.days_late or 0, 0)} ngày[/]"
        table.add_row(
            shown(entry.member.name),
            words,
            shown(version.file.name) if version else "",
            format_datetime(version.received) if version else "",
            timing,
            str(len(entry.superseded)) if entry.superseded else "",
        )
    return table


def print_status(console: Console, status: "InboxStatus") -> None:
    console.print(status_table(status))
    if status.unmatched:
        table = Table(
            title="Tệp không tính cho thành viên nào", show_header=True, header_style="bold"
        )
        table.add_column("Tệp", overflow="fold")
        table.add_column("Lý do", overflow="fold")
        for item in status.unmatched:
            table.add_row(shown(item.file.name), shown(item.reason))
        console.print(table)
    for finding in status.findings:  # the versions whose order the times could not tell
        mark = ("✗ ", "red") if finding.is_error else ("! ", "yellow")
        console.print(Text.assemble(mark, shown(finding.text)), soft_wrap=True)
    style = "bold green" if status.complete else "bold"
    console.print(status.summary(), style=style, soft_wrap=True)
