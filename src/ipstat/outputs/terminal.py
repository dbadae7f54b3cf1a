"""Findings and summaries for a person at a terminal (rich); plain when piped or with NO_COLOR."""

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ipstat.contract.model import Contract
from ipstat.reading.findings import Finding, ValidationReport, count_by_severity
from ipstat.reading.formatting import format_date, format_datetime, format_number, format_percent

if TYPE_CHECKING:
    from ipstat.bloc.inbox import InboxStatus

SEVERITY_WORDS = {"error": "[red]lỗi[/]", "warning": "[yellow]cảnh báo[/]"}


def verdict(name: str, findings: Iterable[Finding]) -> str:
    errors, warnings = count_by_severity(findings)
    if not errors and not warnings:
        return f"[green]✓[/] {name}"
    mark = "[red]✗[/]" if errors else "[yellow]![/]"
    return f"{mark} {name}: {errors} lỗi, {warnings} cảnh báo"


def findings_table(findings: list[Finding]) -> Table:
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("Trang")
    table.add_column("Mức")
    table.add_column("Quy tắc")
    table.add_column("Nội dung cần sửa", overflow="fold")
    for f in findings:
        table.add_row(f.sheet or "", SEVERITY_WORDS[f.severity], f.rule, f.message)
    return table


def print_report(console: Console, report: ValidationReport) -> None:
    for file_report in report.files:
        if file_report.findings:
            console.print(f"\n[bold]{file_report.path}[/]")
            console.print(findings_table(file_report.findings))
    if report.bloc_findings:
        console.print("\n[bold]Toàn Khối[/]")
        console.print(findings_table(report.bloc_findings))
    console.print()
    for file_report in report.files:
        console.print(verdict(str(file_report.path), file_report.findings), soft_wrap=True)
    errors, warnings = count_by_severity(report)
    console.print(
        f"\n{len(report.files)} tệp: {errors} lỗi, {warnings} cảnh báo.",
        style="bold red" if errors else "bold green",
        soft_wrap=True,
    )


def catalogue_table(contract: Contract) -> Table:
    table = Table(title=f"{contract.form.title} ({contract.form.version})", show_lines=False)
    for title in ("Mục", "Mã", "Chỉ tiêu", "Đơn vị tính", "Loại"):
        table.add_column(title)
    kinds = {"count": "số đếm", "money": "tiền", "area": "diện tích"}
    for ind in contract.form.indicators:
        table.add_row(ind.section, ind.code, ind.label, ind.unit, kinds[ind.kind])
    for d in contract.form.derived:
        table.add_row("", d.code, d.label, d.unit, "tính từ tổng Khối")
    return table


def print_summary(
    console: Console, document: dict[str, Any], headline: Iterable[str], files: Iterable[Path]
) -> None:
    """Who sent, who did not, the headline totals and ratios, and where the files are."""
    members, missing = document["members"], document["missing"]
    console.print(
        f"[bold]{document['bloc']['name']} – năm {document['year']}[/]\n"
        f"Đã nhận báo cáo của {len(members)}/{len(members) + len(missing)} thành viên.",
        soft_wrap=True,
    )
    if missing:
        console.print(
            f"[yellow]Chưa nhận được báo cáo của: {', '.join(missing)}.[/]", soft_wrap=True
        )
    labels = {i["code"]: i for i in document["indicators"]}
    table = Table(show_header=True, header_style="bold")
    table.add_column("Chỉ tiêu")
    table.add_column("Tổng Khối", justify="right")
    table.add_column("Đơn vị")
    for code in headline:
        table.add_row(
            labels[code]["label"], format_number(document["totals"][code]), labels[code]["unit"]
        )
    for ratio in (d for d in document["derived_indicators"] if d["unit"] == "%"):
        value = document["derived"][ratio["code"]]
        table.add_row(ratio["label"], "–" if value is None else format_percent(value), "")
    console.print(table)
    for path in files:
        console.print(f"Đã ghi [bold]{path}[/]", soft_wrap=True)


STATUS_WORDS = {
    "chua-nop": "[red]Chưa nộp[/]",
    "can-sua": "[yellow]Cần sửa ({errors} lỗi)[/]",
    "da-tiep-nhan": "[green]Đã tiếp nhận[/]",
}


def status_table(status: "InboxStatus") -> Table:
    """One row per member in bloc order; file names are the senders' text, so escaped."""
    table = Table(
        title=f"Báo cáo năm {status.year} – hạn nộp {format_date(status.deadline)}",
        show_header=True,
        header_style="bold",
    )
    for title in ("Thành viên", "Trạng thái"):
        table.add_column(title, no_wrap=True)
    table.add_column("Tệp", overflow="fold")
    table.add_column("Nhận lúc")
    table.add_column("Hạn nộp", no_wrap=True)
    table.add_column("Bản cũ", justify="right")
    for entry in status.members:
        version = entry.version
        words = STATUS_WORDS[entry.status].format(errors=version.counts[0] if version else 0)
        if version is None:
            timing = f"[red]quá hạn {entry.days_late} ngày[/]" if entry.days_late else "–"
        elif entry.on_time:
            timing = "đúng hạn"
        else:
            timing = f"[yellow]trễ {entry.days_late} ngày[/]"
        table.add_row(
            escape(entry.member.name),
            words,
            escape(version.file.name) if version else "",
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
        table.add_column("Tệp")
        table.add_column("Lý do", overflow="fold")
        for item in status.unmatched:
            table.add_row(escape(item.file.name), escape(item.reason))
        console.print(table)
    style = "bold green" if status.complete else "bold"
    console.print(status.summary(), style=style, soft_wrap=True)
