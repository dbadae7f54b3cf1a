"""A user's template is bounded (issue 19 item 7): nested loops, `'x' * 10**10`, a macro that
calls itself or a misspelt filter end in a Vietnamese message naming the template and line,
never a hang, a traceback or gigabytes of memory. Small budgets (monkeypatch) keep each test
short; no test measures wall-clock time."""

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from ipstat.bloc.document import loads
from ipstat.cli import app
from ipstat.outputs import template_budget
from ipstat.outputs.render import TemplateProblem, render_template
from ipstat.outputs.report_text import render_report
from tests.test_error_texts import assert_vietnamese

GOLDEN = Path(__file__).parent / "golden"
DOCUMENT = GOLDEN / "tong-hop-2016.json"
runner = CliRunner()
STEPS, MADE = template_budget.MAX_STEPS, template_budget.MAX_MADE  # ipstat's, before any test


@pytest.fixture(autouse=True)
def small_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_budget, "MAX_STEPS", 10_000)
    monkeypatch.setattr(template_budget, "MAX_MADE", 100_000)


# The hostile templates of the issue and their kin: each hangs, or ends in a traceback
# (MemoryError, RecursionError, TemplateRuntimeError) without the budgets.
HOSTILE = [
    pytest.param(
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        "dòng 2: các vòng lặp của mẫu đã chạy quá 10.000 lượt",
        id="nested-loops",
    ),
    pytest.param(
        "{% set y = range(10000) | list %}{% for i in y %}{% for j in y %}{% endfor %}{% endfor %}",
        "dòng 2: các vòng lặp của mẫu đã chạy quá 10.000 lượt",
        id="nested-empty-loops",
    ),
    pytest.param("{{ 'x' * 10**10 }}", "dòng 2: mẫu tạo ra quá nhiều chữ", id="str-times"),
    pytest.param("{{ 'a' | center(10**10) }}", "ở bộ lọc “center”", id="center"),
    pytest.param("{{ 'a' | center(10000000000) }}", "ở bộ lọc “center”", id="center-literal"),
    pytest.param("{{ [1] * 10**9 }}", "dòng 2: mẫu tạo ra quá nhiều chữ", id="list-times"),
    pytest.param("{{ 'a'.ljust(10**10) }}", "ở hàm “ljust”", id="ljust"),
    pytest.param("{{ '{:>10000000000}'.format('a') }}", "ở hàm “format”", id="str-format"),
    pytest.param("{{ '%10000000000s' | format('a') }}", "ở bộ lọc “format”", id="format"),
    pytest.param("{{ '%10000000000s' % 'a' }}", "ở phép “%”", id="percent"),
    pytest.param("{{ 'a\nb' | indent(10**10) }}", "ở bộ lọc “indent”", id="indent"),
    pytest.param(
        "{{ ('a' * 100) | wordwrap(1, wrapstring='x' * 9999) }}", "“wordwrap”", id="wordwrap"
    ),
    pytest.param("{{ [1] | batch(10**10, 0) | list }}", "ở bộ lọc “batch”", id="batch"),
    pytest.param("{{ range(1000) | join('x' * 1000) }}", "khi nối chuỗi", id="join"),
    pytest.param("{{ lipsum(10**6) }}", "ở hàm “lipsum”", id="lipsum"),
    pytest.param(
        "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}",
        "khi nối chuỗi",
        id="doubling",
    ),
    pytest.param(
        "{% macro m() %}{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}{% endmacro %}"
        "{{ m() | length }}",
        "ở nội dung một macro, khối set",
        id="captured",
    ),
    pytest.param(
        "{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}", "ở phần in ra", id="output"
    ),
    pytest.param("{{ 9 ** (9 ** 9) }}", "phép “**” cho ra số quá lớn", id="power"),
    pytest.param(
        "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}",
        "dòng 2: macro “m” gọi lại chính nó không dừng",
        id="recursive-macro",
    ),
    pytest.param(
        "{% for a in [1] recursive %}{{ loop([1]) }}{% endfor %}",
        "vòng lặp recursive gọi loop(…) lại không dừng",
        id="recursive-loop",
    ),
    pytest.param(
        "{% include 'mau.md.j2' %}",
        "mẫu “mau.md.j2” được include hoặc import lại chính nó không dừng",
        id="includes-itself",
    ),
    pytest.param(
        "{{ x | nosuchfilter }}",
        "dòng 2: lỗi cú pháp: không có bộ lọc “nosuchfilter”.",
        id="filter",
    ),
    pytest.param(
        "{{ x | phantram }}", "không có bộ lọc “phantram”; có phải “phan_tram”?", id="filter-hint"
    ),
    pytest.param(
        "{% if x %}{{ x | nosuchfilter }}{% endif %}",
        "dòng 2: không có bộ lọc “nosuchfilter”.",
        id="filter-when-run",
    ),
    pytest.param(
        "{% if x is numbr %}{% endif %}",
        "phép thử “numbr” (sau “is”); có phải “number”?",
        id="test",
    ),
]


@pytest.mark.parametrize(("text", "said"), HOSTILE)
def test_a_hostile_template_is_said_in_vietnamese(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "mau.md.j2"
    path.write_text(f"Dòng 1\n{text}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        render_template(path, {"x": "abc"})
    message = str(caught.value)
    assert message.startswith(f"Mẫu {path}") and said in message, message
    assert_vietnamese(message.replace(str(path), ""))


def test_a_template_running_too_long_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock a second further at each look: the time budget, not the steps, stops it."""
    seconds = iter(range(10**9))
    clock = SimpleNamespace(monotonic=lambda: next(seconds))
    monkeypatch.setattr(template_budget, "time", clock)
    monkeypatch.setattr(template_budget, "MAX_SECONDS", 5)
    path = tmp_path / "mau.md.j2"
    path.write_text("Dòng 1\n{% for i in range(100) %}{{ i }}{% endfor %}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        render_template(path, {})
    message = str(caught.value)
    assert (
        message
        == f"Mẫu {path}, dòng 2: mẫu chạy quá 5 giây mà chưa xong; có lẽ các vòng lặp "
        + ("lồng nhau quá lớn hoặc không dừng.")
    )


def test_a_template_compiled_before_is_bounded_as_well(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop steps are counted by the compiled code, also when it is read from the cache."""
    from ipstat.outputs.render import environment

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("IPSTAT_NO_CACHE", raising=False)
    path = tmp_path / "mau.md.j2"
    path.write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    for _ in range(2):
        environment.cache_clear()  # the second time, the template is read compiled
        with pytest.raises(TemplateProblem, match="dòng 1: các vòng lặp của mẫu đã chạy quá"):
            render_template(path, {})
    assert len(list((tmp_path / "cache" / "ipstat" / "templates").glob("*.cache"))) == 1


def test_the_shipped_templates_are_far_within_the_budgets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The report renders byte for byte with budgets forty times smaller than ipstat's."""
    monkeypatch.setattr(template_budget, "MAX_STEPS", STEPS // 40)
    monkeypatch.setattr(template_budget, "MAX_MADE", MADE // 40)
    document = loads(DOCUMENT.read_text(encoding="utf-8"))
    assert render_report(document) == (GOLDEN / "bao-cao-2016.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        # Folded when compiling, as before the budgets: the template's own Markdown.
        (
            "{{ '-' * 3 }}|{{ '*' * 2 }}|{{ 'a' + '*' }}|{{ '%s_' % 'b' }}|{{ 2 ** 10 }}",
            "---|**|a*|b_|1024",
        ),
        # Made when rendering, from a variable: plain text, escaped as before.
        ("{% set s = '*' %}{{ s * 2 }}|{{ s + 'a' }}", "\\*\\*|\\*a"),
    ],
)
def test_operations_print_as_before_the_budgets(tmp_path: Path, text: str, printed: str) -> None:
    path = tmp_path / "mau.md.j2"
    path.write_text(text, encoding="utf-8")
    assert render_template(path, {}) == printed


CLI_HOSTILE = ["{{ 'x' * 10**10 }}", "{{ 'a' | center(10**10) }}", "{{ [1] * 10**9 }}"]


@pytest.mark.parametrize(
    "text",
    [
        *CLI_HOSTILE,
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "{{ year | nosuchfilter }}",
    ],
)
def test_report_with_a_hostile_template_exits_2_and_writes_nothing(
    tmp_path: Path, text: str
) -> None:
    own = tmp_path / "mau.md.j2"
    own.write_text(f"Dòng 1\n{text}\n", encoding="utf-8")
    out = tmp_path / "bao-cao.md"
    args = ["report", str(DOCUMENT), "--template", str(own), "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"Mẫu {own}, dòng 2: " in result.stderr
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not out.exists() and list(tmp_path.iterdir()) == [own]
    assert_vietnamese(result.stderr.replace(str(own), ""))


# The CLI in a fresh process, its address space capped at 2 GiB (so that even a template that
# did ask for 10 GB could not take them here), saying its peak memory when it ends.
CHILD = """
import re, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from ipstat.cli import app
try:
    app(sys.argv[1:], prog_name="ipstat")
except SystemExit as exc:
    code = exc.code
peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())[1]
print(f"VmHWM {peak}", file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM: Linux only")
@pytest.mark.parametrize("text", CLI_HOSTILE)
def test_a_hostile_template_is_refused_in_little_memory(tmp_path: Path, text: str) -> None:
    own = tmp_path / "mau.md.j2"
    own.write_text(f"Dòng 1\n{text}\n", encoding="utf-8")
    args = ["report", str(DOCUMENT), "--template", str(own), "-o", str(tmp_path / "out.md")]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "mẫu tạo ra quá nhiều chữ" in done.stderr and "Traceback" not in done.stderr
    peak_kb = int(re.findall(r"VmHWM (\d+)", done.stderr)[-1])
    assert peak_kb < 150 * 1024, peak_kb  # the CLI alone takes some 35 MB; 10**10 would be 10 GB
