"""Findings and summaries for a person at a terminal (rich); plain when piped or with NO_COLOR.

Every text that comes from input (file names, sheet names, cell values quoted in messages,
member names) goes through `shown` here and only here: findings stay the text they are.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ipstat.contract.model import Contract
from ipstat.outputs.visible import visible
from ipstat.reading.findings import Finding, ValidationReport, count_by_severity
from ipstat.reading.formatting import format_number, format_percent

SEVERITY_WORDS = {"error": "[red]lỗi[/]", "warning": "[yellow]cảnh báo[/]"}


def shown(text: object) -> str:
    """Input text as rich markup that prints it as is: `[/]` and `[link=…]` are not markup,
    an escape sequence is shown (`␛[2J`) instead of reaching the terminal."""
    return escape(visible(str(text)))


def verdict(name: str, findings: Iterable[Finding]) -> str:
    errors, warnings = count_by_severity(findings)
    if not errors and not warnings:
        return f"[green]✓[/] {shown(name)}"
    mark = "[red]✗[/]" if errors else "[yellow]![/]"
    return f"{mark} {shown(name)}: {errors} lỗi, {warnings} cảnh báo"


def findings_table(findings: list[Finding], with_file: bool = False) -> Table:
    """With `with_file`, a first column says which file (or the whole bloc) each is about."""
    table = Table(show_header=True, header_style="bold", expand=False)
    if with_file:
        table.add_column("Tệp", overflow="fold")
    table.add_column("Trang")
    table.add_column("Mức")
    table.add_column("Quy tắc")
    table.add_column("Nội dung cần sửa", overflow="fold")
    for f in findings:
        row = [shown(f.sheet or ""), SEVERITY_WORDS[f.severity], shown(f.rule), shown(f.message)]
        if with_file:
            row.insert(0, shown(Path(f.file).name) if f.file else "Toàn Khối")
        table.add_row(*row)
    return table


def print_report(console: Console, report: ValidationReport) -> None:
    for file_report in report.files:
        if file_report.findings:
            console.print(f"\n[bold]{shown(file_report.path)}[/]", soft_wrap=True)
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
    title = shown(f"{contract.form.title} ({contract.form.version})")
    table = Table(title=title, show_lines=False)
    for title in ("Mục", "Mã", "Chỉ tiêu", "Đơn vị tính", "Loại"):
        table.add_column(title)
    kinds = {"count": "số đếm", "money": "tiền", "area": "diện tích"}
    for ind in contract.form.indicators:
        table.add_row(*map(shown, (ind.section, ind.code, ind.label, ind.unit)), kinds[ind.kind])
    for d in contract.form.derived:
        table.add_row("", *map(shown, (d.code, d.label, d.unit)), "tính từ tổng Khối")
    return table


def print_summary(
    console: Console, document: dict[str, Any], headline: Iterable[str], files: Iterable[Path]
) -> None:
    """Who sent, who did not, the headline totals and ratios, and where the files are."""
    members, missing = document["members"], document["missing"]
    console.print(
        f"[bold]{shown(document['bloc']['name'])} – năm {shown(document['year'])}[/]\n"
        f"Đã nhận báo cáo của {len(members)}/{len(members) + len(missing)} thành viên.",
        soft_wrap=True,
    )
    if missing:
        console.print(
            f"[yellow]Chưa nhận được báo cáo của: {shown(', '.join(missing))}.[/]", soft_wrap=True
        )
    labels = {i["code"]: i for i in document["indicators"]}
    table = Table(show_header=True, header_style="bold")
    table.add_column("Chỉ tiêu")
    table.add_column("Tổng Khối", justify="right")
    table.add_column("Đơn vị")
    for code in headline:
        table.add_row(
            shown(labels[code]["label"]),
            format_number(document["totals"][code]),
            shown(labels[code]["unit"]),
        )
    for ratio in (d for d in document["derived_indicators"] if d["unit"] == "%"):
        value = document["derived"][ratio["code"]]
        table.add_row(shown(ratio["label"]), "–" if value is None else format_percent(value), "")
    console.print(table)
    for path in files:
        console.print(f"Đã ghi [bold]{shown(path)}[/]", soft_wrap=True)
