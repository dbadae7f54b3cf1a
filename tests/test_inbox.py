"""`ipstat status`: versions by content, the ledger's received times, statuses, on time."""

import datetime as dt
import io
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from ipstat.base.errors import InputError
from ipstat.bloc.inbox import InboxStatus, MemberStatus
from ipstat.bloc.ledger import read_ledger
from ipstat.checks.validation import LEDGER_NAME
from ipstat.cli import app
from ipstat.cli.terminal import print_status
from ipstat.commands.status import track
from ipstat.contract.model import Contract

Make = Callable[..., Path]
NOW = dt.datetime(2018, 1, 25, 10, 0)
runner = CliRunner()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "nhan-ve"
    folder.mkdir()
    return folder


@pytest.fixture
def send(make_workbook: Make, inbox: Path) -> Callable[..., Path]:
    """A member's workbook saved in the inbox with the modification time `at`."""

    def send(name: str, at: str, **kwargs: Any) -> Path:
        kwargs.setdefault("year", 2017)
        path = make_workbook(f"nhan-ve/{name}", **kwargs)
        set_mtime(path, at)
        return path

    return send


def set_mtime(path: Path, at: str) -> None:
    stamp = dt.datetime.fromisoformat(at).timestamp()
    os.utime(path, (stamp, stamp))


def status_of(inbox: Path, contract: Contract, **kwargs: Any) -> InboxStatus:
    kwargs.setdefault("now", NOW)
    return track(inbox, contract, **kwargs).status


def member(status: InboxStatus, name: str) -> MemberStatus:
    return next(m for m in status.members if m.member.name == name)


def test_the_three_statuses(send: Callable[..., Path], inbox: Path, contract: Contract) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30", member="Hà Nam")
    send("bac-ninh.xlsx", "2018-01-16 08:00", member="Bắc Ninh", values={"workers": -1})
    send("hai-phong.xlsx", "2018-01-17 08:00", member="Hải Phòng", values={"workers": "34.700"})
    status = status_of(inbox, contract)
    assert member(status, "Hà Nam").status == "da-tiep-nhan"
    assert member(status, "Hải Phòng").status == "da-tiep-nhan"  # warnings allowed
    assert member(status, "Hải Phòng").version.counts[:2] == (0, 1)  # type: ignore[union-attr]
    assert member(status, "Bắc Ninh").status == "can-sua"
    assert member(status, "Vĩnh Phúc").status == "chua-nop"
    assert [m.member.name for m in status.members] == contract.bloc.names
    assert status.summary() == "Đã tiếp nhận 2/11; cần sửa 1; chưa nộp 8 (hạn 20/01/2018)"
    assert not status.complete


@pytest.mark.parametrize(
    ("received", "on_time", "days_late"),
    [
        ("2018-01-20 23:59:59", True, 0),  # the deadline's end of day
        ("2018-01-21 00:00:00", False, 1),
        ("2018-01-02 08:00:00", True, 0),
        ("2018-02-01 08:00:00", False, 12),
    ],
)
def test_on_time_is_received_by_the_deadlines_end_of_day(
    send: Callable[..., Path],
    inbox: Path,
    contract: Contract,
    received: str,
    on_time: bool,
    days_late: int,
) -> None:
    send("ha-nam.xlsx", received)
    entry = member(status_of(inbox, contract), "Hà Nam")
    assert (entry.on_time, entry.days_late) == (on_time, days_late)


def test_deadline_option_replaces_the_blocs(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30")
    status = status_of(inbox, contract, deadline=dt.date(2018, 1, 10))
    assert status.deadline == dt.date(2018, 1, 10)
    assert (member(status, "Hà Nam").on_time, member(status, "Hà Nam").days_late) == (False, 5)


def test_not_sent_counts_days_past_the_deadline_so_far(inbox: Path, contract: Contract) -> None:
    before = status_of(inbox, contract, year=2017, now=dt.datetime(2018, 1, 20, 23, 0))
    after = status_of(inbox, contract, year=2017, now=dt.datetime(2018, 1, 23, 8, 0))
    assert member(before, "Hà Nam").days_late == 0
    assert member(after, "Hà Nam").days_late == 3
    assert member(after, "Hà Nam").on_time is None


def test_the_version_in_force_is_the_one_received_last(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    send("ha-nam-sua.xlsx", "2018-01-18 14:05", values={"workers": 35000})
    send("ha-nam.xlsx", "2018-01-15 09:30", values={"workers": -1})
    entry = member(status_of(inbox, contract), "Hà Nam")
    assert entry.status == "da-tiep-nhan"
    assert entry.version is not None and entry.version.file.name == "ha-nam-sua.xlsx"
    assert [v.file.name for v in entry.superseded] == ["ha-nam.xlsx"]


def test_a_correction_in_force_decides_the_status_even_if_worse(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30")
    send("ha-nam-2.xlsx", "2018-01-19 09:30", values={"workers": -1})
    entry = member(status_of(inbox, contract), "Hà Nam")
    assert entry.status == "can-sua" and entry.version.counts[:2] == (1, 0)  # type: ignore[union-attr]


def test_on_time_is_judged_by_the_first_version_received(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    """A member who sent on time and corrected after the deadline is on time (QA 22); a
    correction, or a re-saved copy (new bytes), is a new version received later."""
    send("bac-ninh.xlsx", "2018-01-19 16:40", member="Bắc Ninh", values={"workers": -1})
    send("bac-ninh-sua.xlsx", "2018-01-24 08:00", member="Bắc Ninh")
    entry = member(status_of(inbox, contract), "Bắc Ninh")
    assert entry.status == "da-tiep-nhan"
    assert entry.version is not None and entry.version.file.name == "bac-ninh-sua.xlsx"
    assert (entry.on_time, entry.days_late) == (True, 0)
    send("ha-nam.xlsx", "2018-01-22 09:00")
    send("ha-nam-sua.xlsx", "2018-01-24 09:00", values={"workers": 35000})
    late = member(status_of(inbox, contract), "Hà Nam")
    assert (late.on_time, late.days_late) == (False, 2)


def test_saving_over_the_first_file_keeps_the_member_on_time(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    """Excel's Ctrl+S replaces the first version's bytes under the same name: the ledger
    still knows when the first version came (QA, second pass)."""
    send("hai-phong.xlsx", "2018-01-10 08:00", member="Hải Phòng")
    status_of(inbox, contract)
    send("hai-phong.xlsx", "2018-03-01 08:00", member="Hải Phòng", values={"workers": 34701})
    entry = member(status_of(inbox, contract), "Hải Phòng")
    assert entry.version is not None and entry.version.received == dt.datetime(2018, 3, 1, 8, 0)
    assert (entry.on_time, entry.days_late) == (True, 0)


def test_equal_bytes_are_one_version(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    original = send("ha-nam.xlsx", "2018-01-15 09:30")
    copy = inbox / "ban-sao.xlsx"
    shutil.copyfile(original, copy)
    set_mtime(copy, "2018-01-22 09:30")
    entry = member(status_of(inbox, contract), "Hà Nam")
    assert entry.superseded == []
    assert entry.version is not None and entry.version.received == dt.datetime(2018, 1, 15, 9, 30)
    assert {p.name for p in entry.version.files} == {"ha-nam.xlsx", "ban-sao.xlsx"}
    assert entry.on_time


def test_the_ledger_keeps_received_times_when_files_are_touched_or_copied(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    first = send("ha-nam.xlsx", "2018-01-15 09:30")
    second = send("ha-nam-sua.xlsx", "2018-01-18 14:05", values={"workers": 35000})
    status_of(inbox, contract)
    set_mtime(first, "2018-02-01 00:00")  # touched: now the newer file by its time
    moved = inbox / "ha-nam-ban-cuoi.xlsx"
    shutil.copyfile(second, moved)  # copied under another name: a new modification time
    second.unlink()
    entry = member(status_of(inbox, contract), "Hà Nam")
    assert entry.version is not None and entry.version.file == moved
    assert entry.version.received == dt.datetime(2018, 1, 18, 14, 5)
    assert entry.superseded[0].received == dt.datetime(2018, 1, 15, 9, 30)
    assert entry.on_time


def test_the_ledger_records_each_version(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    send("bac-ninh.xlsx", "2018-01-16 08:00", member="Bắc Ninh", values={"workers": -1})
    status = status_of(inbox, contract)
    ledger = read_ledger(inbox)
    assert ledger is not None
    version = member(status, "Bắc Ninh").version
    assert version is not None
    recorded = ledger.get(version.sha256)
    assert recorded is not None
    assert (recorded.member, recorded.year, recorded.file, recorded.errors) == (
        "Bắc Ninh",
        2017,
        "bac-ninh.xlsx",
        1,
    )


def test_an_interrupted_run_leaves_the_ledger_unchanged(
    send: Callable[..., Path],
    inbox: Path,
    contract: Contract,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30")
    status_of(inbox, contract)
    before = (inbox / LEDGER_NAME).read_bytes()
    send("bac-ninh.xlsx", "2018-01-16 08:00", member="Bắc Ninh")
    send("hai-phong.xlsx", "2018-01-16 08:00", member="Hải Phòng")
    from ipstat.bloc import versions as module

    calls = []
    real = module.first_seen

    def failing(paths: Any) -> dt.datetime:
        calls.append(paths)
        if len(calls) == 3:  # at least one new version is already recorded
            raise RuntimeError("mất điện")
        return real(paths)

    monkeypatch.setattr("ipstat.bloc.inbox.first_seen", failing)
    with pytest.raises(RuntimeError):
        status_of(inbox, contract)
    assert (inbox / LEDGER_NAME).read_bytes() == before
    monkeypatch.undo()
    assert read_ledger(inbox) is not None and len(read_ledger(inbox).entries) == 1  # type: ignore[union-attr]


def test_unmatched_files_are_listed_with_the_reason(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30")
    send("lao-cai.xlsx", "2018-01-15 09:30", member="Lào Cai")
    (inbox / "rac.xlsx").write_text("không phải biểu", encoding="utf-8")
    (inbox / "ghi-chu.txt").write_text("bỏ qua", encoding="utf-8")
    status = status_of(inbox, contract)
    reasons = {u.file.name: u.reason for u in status.unmatched}
    assert set(reasons) == {"lao-cai.xlsx", "rac.xlsx", "ghi-chu.txt"}
    assert "“Lào Cai” không phải là thành viên" in reasons["lao-cai.xlsx"]
    assert ".xlsx" in reasons["rac.xlsx"]
    assert status.count("da-tiep-nhan") == 1


def test_annotated_copies_in_a_subfolder_are_not_versions(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30", values={"workers": -1})
    status_of(inbox, contract, annotate=inbox / "ghi-chu")
    assert (inbox / "ghi-chu" / "ha-nam.xlsx").is_file()
    entry = member(status_of(inbox, contract), "Hà Nam")
    assert entry.status == "can-sua" and entry.superseded == []


def test_year_is_agreed_or_asked_for(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    with pytest.raises(InputError, match="--year"):
        status_of(inbox, contract)  # an empty inbox says no year
    send("ha-nam.xlsx", "2018-01-15 09:30")
    assert status_of(inbox, contract).year == 2017
    send("bac-ninh.xlsx", "2018-01-15 09:30", member="Bắc Ninh", year=2016)
    with pytest.raises(InputError, match="nhiều năm"):
        status_of(inbox, contract)
    status = status_of(inbox, contract, year=2017)
    assert member(status, "Bắc Ninh").status == "can-sua"  # year-mismatch


@pytest.mark.parametrize(("name", "period"), [("2017", "nam"), ("2017-6-thang", "6-thang")])
def test_an_empty_inbox_named_for_its_year_is_that_year(
    name: str, period: str, tmp_path: Path, contract: Contract
) -> None:
    """The year's first days: nobody has sent yet, the folder says the year (as for links)."""
    folder = tmp_path / "nhan-ve" / name
    folder.mkdir(parents=True)
    status = status_of(folder, contract, period=period)
    assert status.year == 2017
    assert {m.status for m in status.members} == {"chua-nop"}


def test_json_shape(send: Callable[..., Path], inbox: Path, contract: Contract) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30")
    send("ha-nam-sua.xlsx", "2018-01-21 08:00", values={"workers": 35000})
    send("rac.xlsx", "2018-01-15 09:30", member="Lào Cai")
    result = runner.invoke(app, ["status", str(inbox), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["year"] == 2017 and data["deadline"] == "2018-01-20"
    by_name = {m["member"]: m for m in data["members"]}
    ha_nam = by_name["Hà Nam"]
    assert set(ha_nam) == {
        "member", "status", "file", "received", "on_time", "days_late",
        "errors", "warnings", "sha256", "superseded",
    }  # fmt: skip
    assert ha_nam["file"] == "ha-nam-sua.xlsx" and ha_nam["received"] == "2018-01-21T08:00:00"
    assert (ha_nam["on_time"], ha_nam["days_late"]) == (True, 0)  # by the first version
    assert [s["file"] for s in ha_nam["superseded"]] == ["ha-nam.xlsx"]
    assert set(ha_nam["superseded"][0]) == {"file", "received", "sha256"}
    missing = by_name["Vĩnh Phúc"]
    assert [missing[k] for k in ("file", "received", "on_time", "sha256")] == [None] * 4
    assert data["unmatched"][0]["file"] == "rac.xlsx" and data["unmatched"][0]["reason"]


def test_text_table_and_exit_codes(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    for m in contract.bloc.members[:-1]:
        send(f"{m.slug}.xlsx", "2018-01-15 09:30", member=m.name)
    result = runner.invoke(app, ["status", str(inbox)])
    assert result.exit_code == 1
    assert "Chưa nộp" in result.stdout and "Đã tiếp nhận" in result.stdout
    assert "Đã tiếp nhận 10/11; cần sửa 0; chưa nộp 1 (hạn 20/01/2018)" in result.stdout
    last = contract.bloc.members[-1]
    send(f"{last.slug}.xlsx", "2018-01-22 09:30", member=last.name)
    result = runner.invoke(app, ["status", str(inbox)])
    assert result.exit_code == 0, result.stdout
    assert "trễ 2 ngày" in result.stdout


def test_file_names_are_not_read_as_markup(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    from rich.console import Console

    from ipstat.cli.terminal import print_status

    send("[red]ha-nam[bold].xlsx", "2018-01-15 09:30")
    console = Console(width=200, file=io.StringIO(), no_color=True)
    print_status(console, status_of(inbox, contract))
    assert "[red]ha-nam[bold].xlsx" in console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "args",
    [
        ["status", "/no/such/folder"],
        ["status", ".", "--deadline", "20/01/2018"],
        ["status", ".", "--format", "xml"],
    ],
)
def test_misuse_exits_2(args: list[str]) -> None:
    assert runner.invoke(app, args).exit_code == 2


def test_a_damaged_ledger_stops_status_and_is_kept(send: Callable[..., Path], inbox: Path) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30")
    (inbox / LEDGER_NAME).write_bytes(b"garbage")
    result = runner.invoke(app, ["status", str(inbox)])
    assert result.exit_code == 2
    assert "bị hỏng" in result.stderr and "Traceback" not in result.output
    assert (inbox / LEDGER_NAME).read_bytes() == b"garbage"


def test_validate_and_aggregate_skip_the_ledger(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30")
    status_of(inbox, contract)
    result = runner.invoke(app, ["validate", str(inbox)])
    assert result.exit_code == 0 and LEDGER_NAME not in result.stdout


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('deadline = "13-40"', "Hạn nộp “13-40” không phải là một ngày có thật"),
        ('deadline = "20/01"', "Hạn nộp “20/01” không đúng dạng tháng-ngày MM-DD"),
    ],
)
def test_a_bad_deadline_in_the_bloc_file_fails_at_start(
    tmp_path: Path, line: str, problem: str
) -> None:
    from ipstat.contract.checked import ContractError
    from ipstat.contract.model import load_contract

    shipped = Path(__file__).resolve().parents[1] / "schemas" / "blocs" / "dbsh-2016.toml"
    bloc = tmp_path / "khoi.toml"
    bloc.write_text(
        shipped.read_text(encoding="utf-8").replace('deadline = "01-20"', line), encoding="utf-8"
    )
    with pytest.raises(ContractError, match=problem):
        load_contract(bloc=bloc)
    bloc.write_text(
        shipped.read_text(encoding="utf-8").replace('leader = "Hà Nam"', 'leader = "Lào Cai"'),
        encoding="utf-8",
    )
    with pytest.raises(
        ContractError, match="Năm 2017: “Lào Cai” không phải là thành viên của Khối"
    ):
        load_contract(bloc=bloc)


def test_a_bloc_without_a_deadline_asks_for_one(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    import dataclasses

    send("ha-nam.xlsx", "2018-01-15 09:30")
    open_ended = dataclasses.replace(
        contract, bloc=dataclasses.replace(contract.bloc, deadline=None)
    )
    with pytest.raises(InputError, match="--deadline"):
        status_of(inbox, open_ended)
    assert status_of(inbox, open_ended, deadline=dt.date(2018, 1, 31)).deadline.day == 31


def test_aggregate_latest_on_the_command_line(
    send: Callable[..., Path], inbox: Path, tmp_path: Path
) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30", values={"workers": -1})
    send("ha-nam-sua.xlsx", "2018-01-18 14:05")
    out = tmp_path / "ket-qua"
    refused = runner.invoke(app, ["aggregate", str(inbox), "--out", str(out)])
    assert refused.exit_code == 1 and "Hai tệp của cùng một thành viên" in refused.stdout
    result = runner.invoke(app, ["aggregate", str(inbox), "--latest", "--out", str(out)])
    assert result.exit_code == 0, result.stdout
    assert "Bản cũ đã được thay bằng bản nhận sau" in result.stdout
    assert (out / "tong-hop-2017.json").is_file()


@pytest.mark.parametrize(
    "command",
    [
        ["status", "."],
        ["validate", "."],
        ["aggregate", "."],
        ["score", ".", "--registrations", "."],
        ["template"],
    ],
    ids=lambda c: c[0],
)
@pytest.mark.parametrize("year", ["0", "9999", "99999"])
def test_a_year_out_of_range_is_a_usage_error(
    command: list[str], year: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never a traceback (`year 10000 is out of range`) nor a form for year 0 (QA 5, 19)."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*command, "--year", year])
    assert list(tmp_path.iterdir()) == []
    assert result.exit_code == 2
    assert f"năm {year} nằm ngoài khoảng 1990–2200" in result.output
    assert "Traceback" not in result.output


def test_an_impossible_deadline_is_named_as_such(inbox: Path) -> None:
    result = runner.invoke(app, ["status", str(inbox), "--deadline", "2018-02-30"])
    assert result.exit_code == 2
    assert "không có ngày này trong lịch" in result.output
    assert "không đúng dạng" not in result.output
    assert not (inbox / LEDGER_NAME).exists()


def test_every_other_file_of_the_inbox_is_unmatched_with_its_reason(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    """As `validate` lists them (QA 14); the ledger, lock and hidden files are not listed."""
    send("ha-nam.xlsx", "2018-01-15 09:30")
    (inbox / "bieu.csv").write_text("a,b\n", encoding="utf-8")
    (inbox / "bieu-ha-noi-2017.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (inbox / "~$ha-nam.xlsx").write_bytes(b"")
    (inbox / "tong-hop-2017.xlsx").write_bytes(b"")
    status = status_of(inbox, contract)
    reasons = {u.file.name: u.reason for u in status.unmatched}
    assert set(reasons) == {"bieu.csv", "bieu-ha-noi-2017.xls", "tong-hop-2017.xlsx"}
    assert "CSV" in reasons["bieu.csv"] and ".xls" in reasons["bieu-ha-noi-2017.xls"]
    assert "kết quả do ipstat ghi" in reasons["tong-hop-2017.xlsx"]
    assert member(status, "Hà Nam").status == "da-tiep-nhan"


def test_an_annotated_copy_in_the_inbox_is_not_a_version(
    send: Callable[..., Path], inbox: Path, contract: Contract, tmp_path: Path
) -> None:
    send("ha-nam.xlsx", "2018-01-15 09:30", values={"workers": -1})
    copies = tmp_path / "ghi-chu"
    track(inbox, contract, annotate=copies, now=NOW)
    (copies / "ha-nam.xlsx").rename(inbox / "ha-nam-ghi-chu.xlsx")
    status = status_of(inbox, contract)
    entry = member(status, "Hà Nam")
    assert entry.superseded == [] and entry.version is not None
    assert entry.version.file.name == "ha-nam.xlsx"
    [unmatched] = status.unmatched
    assert unmatched.file.name == "ha-nam-ghi-chu.xlsx" and "Lỗi cần sửa" in unmatched.reason


def test_aggregate_never_reads_its_own_outputs(
    send: Callable[..., Path], inbox: Path, tmp_path: Path
) -> None:
    """`--out` inside the inbox: the second run does not read the first run's workbook (QA 8);
    an output of ipstat elsewhere in the inputs is skipped with its reason."""
    send("ha-nam.xlsx", "2018-01-15 09:30")
    out = inbox / "ket-qua"
    for _ in range(2):
        result = runner.invoke(app, ["aggregate", str(inbox), "--latest", "--out", str(out)])
        assert result.exit_code == 0, result.stdout
    assert "thư mục ghi kết quả của chính lần chạy này" in result.stdout
    other = inbox / "cu"
    other.mkdir()
    (out / "tong-hop-2017.xlsx").rename(other / "tong-hop-2017.xlsx")
    result = runner.invoke(app, ["aggregate", str(inbox), "--out", str(tmp_path / "kq")])
    assert result.exit_code == 0, result.stdout
    assert "kết quả do ipstat ghi" in result.stdout
    checked = runner.invoke(app, ["validate", str(inbox)])
    assert checked.exit_code == 0 and "1 tệp: 0 lỗi" in checked.stdout
    assert "bao-cao-2017.md: kết quả do ipstat ghi" in checked.stdout


def test_redirected_status_cuts_no_data(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    """`ipstat status … > st.txt`: every date and file name whole, at any length (QA 12)."""
    name = "bao-cao-so-lieu-khu-cong-nghiep-tinh-ha-nam-nam-2017-ban-chinh-thuc.xlsx"
    send(name, "2018-01-15 09:30")
    (inbox / "ghi-chu-rat-dai-cua-thu-ky-ve-cac-tep-nhan-duoc-trong-nam.csv").write_text("x")
    result = runner.invoke(app, ["status", str(inbox)], env={"COLUMNS": None})
    lines = result.stdout.splitlines()
    assert any(name in line and "15/01/2018 09:30" in line for line in lines), result.stdout
    assert any(
        "ghi-chu-rat-dai-cua-thu-ky-ve-cac-tep-nhan-duoc-trong-nam.csv" in line for line in lines
    )
    assert "…" not in result.stdout


def test_a_narrow_terminal_folds_names_but_keeps_dates_whole(
    send: Callable[..., Path], inbox: Path, contract: Contract
) -> None:
    send("bao-cao-so-lieu-khu-cong-nghiep-ha-nam-2017.xlsx", "2018-01-15 09:30")
    (inbox / "ghi-chu-rat-dai-cua-thu-ky-ve-cac-tep-nhan-duoc.csv").write_text("x")
    out = io.StringIO()
    print_status(Console(file=out, width=80), status_of(inbox, contract))
    assert "15/01/2018 09:30" in out.getvalue() and "…" not in out.getvalue()


def test_blank_forms_are_not_submissions_and_leave_no_ledger(tmp_path: Path) -> None:
    """The forms `template --all` wrote, dropped in the inbox: nobody has sent anything."""
    inbox = tmp_path / "hop-thu"
    runner = CliRunner()
    made = runner.invoke(app, ["template", "--year", "2017", "--all", "-o", str(inbox)])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["status", str(inbox), "--year", "2017", "--format", "json"])
    document = json.loads(result.stdout)
    assert [m["status"] for m in document["members"]] == ["chua-nop"] * 11
    assert len(document["unmatched"]) == 11
    assert all("biểu mẫu trống" in u["reason"] for u in document["unmatched"])
    assert not (inbox / LEDGER_NAME).exists()
    one = sorted(inbox.glob("*.xlsx"))[0]
    checked = runner.invoke(app, ["validate", "--format", "json", str(one)])
    assert [f["rule"] for f in json.loads(checked.stdout)["findings"]] == ["blank-form"]


@pytest.mark.skipif(os.name != "posix", reason="only POSIX file names can be any bytes")
def test_a_file_name_that_is_not_utf8_is_recorded_and_shown(tmp_path: Path) -> None:
    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    sample = Path(__file__).parents[1] / "sample_data" / "2016" / "bieu-ha-nam-2016.xlsx"
    try:
        shutil.copyfile(sample, inbox / os.fsdecode(b"bieu-ha-nam-\xff\xfe-2016.xlsx"))
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    runner = CliRunner()
    for _ in range(2):  # recorded, then read back from the ledger
        result = runner.invoke(app, ["status", str(inbox), "--year", "2016", "--format", "json"])
        assert result.exit_code == 1, result.output  # ten members have not sent
        members = {m["member"]: m for m in json.loads(result.stdout)["members"]}
        assert members["Hà Nam"]["file"] == "bieu-ha-nam-\\xff\\xfe-2016.xlsx"
    text = runner.invoke(app, ["status", str(inbox), "--year", "2016"])
    assert text.exit_code == 1 and "bieu-ha-nam-\\xff\\xfe-2016.xlsx" in text.stdout


def test_a_second_status_waits_for_the_first_and_says_for_whom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipstat.base import locks

    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    sample = Path(__file__).parents[1] / "sample_data" / "2016" / "bieu-ha-nam-2016.xlsx"
    shutil.copyfile(sample, inbox / sample.name)
    monkeypatch.setattr(locks, "WAIT_SECONDS", 0.5)
    with locks.folder_lock(inbox, "thư mục nhận báo cáo"):  # a long status, running
        result = CliRunner().invoke(app, ["status", str(inbox), "--year", "2016"])
    assert result.exit_code == 2
    assert f"tiến trình {os.getpid()}" in result.stderr and "Đang chờ" in result.stderr
    assert "đang được một lần chạy ipstat khác dùng" in result.stderr
    assert not (inbox / LEDGER_NAME).exists()


def test_a_skipped_file_bearing_a_missing_members_name_says_so(tmp_path: Path) -> None:
    """As `aggregate` says it: Hà Nội sent a PDF, so Hà Nội has not sent its workbook."""
    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    (inbox / "bieu-ha-noi-2016.pdf").write_bytes(b"%PDF-1.4")
    sample = Path(__file__).parents[1] / "sample_data" / "2016" / "bieu-ha-nam-2016.xlsx"
    shutil.copyfile(sample, inbox / sample.name)
    result = CliRunner().invoke(app, ["status", str(inbox), "--year", "2016", "--format", "json"])
    [unmatched] = json.loads(result.stdout)["unmatched"]
    assert unmatched["reason"].endswith("Có thể là báo cáo của Hà Nội, thành viên chưa nộp.")


@pytest.mark.parametrize("deadline", ["2018-01-25", "25/01/2018", "25/1/2018"])
def test_a_deadline_as_a_clerk_writes_it(inbox: Path, deadline: str) -> None:
    args = ["status", str(inbox), "--year", "2017", "--deadline", deadline, "--format", "json"]
    result = runner.invoke(app, args)
    assert json.loads(result.stdout)["deadline"] == "2018-01-25"


def test_a_deadline_in_no_known_form_says_how_to_write_it(inbox: Path) -> None:
    result = runner.invoke(app, ["status", str(inbox), "--deadline", "25.01.2018"])
    assert result.exit_code == 2
    assert "không đúng dạng ngày/tháng/năm (vd. 20/01/2018)" in result.output
