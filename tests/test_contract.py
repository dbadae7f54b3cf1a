"""The contract is data; a mistake in it is a clear error at start."""

import shutil
import sys
from pathlib import Path

import pytest

from ipstat.base.resources import data_dir
from ipstat.contract.checked import ContractError
from ipstat.contract.model import load_contract


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    target = tmp_path / "schemas"
    shutil.copytree(data_dir("schemas"), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_contract_has_the_32_indicators() -> None:
    contract = load_contract()
    assert len(contract.form.indicators) == 32
    assert [d.code for d in contract.form.derived] == [
        "new_projects_total",
        "adjusted_projects_total",
        "fdi_disbursed_ratio",
        "ddi_disbursed_ratio",
    ]
    assert len(contract.bloc.members) == 11
    assert contract.severity("text-number") == "warning"


@pytest.mark.parametrize(
    ("file", "old", "new", "complaint"),
    [
        (
            "units.toml",
            'unit = "triệu USD"',
            'unit = "trieu dola"',
            "đơn vị “triệu USD” không có trong units.toml",
        ),
        (
            "rules.toml",
            'expect = "fdi_active_projects >= fdi_new_projects"',
            'expect = "fdi_actve_projects >= fdi_new_projects"',
            "Phép kiểm tra “.*”: không có chỉ tiêu “fdi_actve_projects”",
        ),
        (
            "rules.toml",
            'expect = "fdi_active_projects >= fdi_new_projects"',
            'expect = "fdi_active_projects =< fdi_new_projects"',
            "“fdi_active_projects =< fdi_new_projects” không phải là một phép so sánh",
        ),
        ("rules.toml", 'severity = "warning"', 'severity = "notice"', "severity"),
        (
            "rules.toml",
            "[rules.unreadable-file]",
            "[rules.unreadable_file]",
            "Mã quy tắc “unreadable_file”",
        ),
        ("form.toml", 'section = "D"', 'section = "E"', "không có mục “E”"),
        ("form.toml", 'kind = "money"', 'kind = "cash"', "kind"),
        (
            "form.toml",
            'code = "workers"',
            'code = "revenue_usd"',
            "Mã chỉ tiêu “revenue_usd” xuất hiện hai lần",
        ),
        ("form.toml", 'unit = "người"', 'unit = "người"\ncolour = "red"', "colour"),
        ("form.toml", 'version = "v1"', 'version = "v1', "TOML"),
        (
            "form.toml",
            "max_cells = 200_000",
            "max_cells = 0",
            r"limits.max_cells \(0\) phải là số dương",
        ),
        ("form.toml", "max_seconds = 5", 'max_seconds = "five"', "max_seconds"),
        ("form.toml", "max_entries = 2000\n", "", "max_entries"),
        ("form.toml", "max_part_bytes = 20_000_000", "max_part_bytes = 90_000_000", "total"),
        # the reporting periods (half-year.md): every indicator a flow or a stock, two periods
        ("form.toml", 'measure = "flow"', 'measure = "flux"', "measure"),
        ("form.toml", 'measure = "stock"\n', "", "measure"),
        ("form.toml", 'spellings = ["Năm"]', 'spellings = ["Năm", "h 1"]', "“h1” thuộc cả hai kỳ"),
        ("form.toml", 'id = "6-thang"', 'id = "quy-2"', "periods"),
        ("form.toml", 'label = "6 tháng"', 'label = "nửa năm"', "“nửa năm” phải có"),
        (
            "blocs/dbsh-2016.toml",
            'deadline_half_year = "07-20"',
            'deadline_half_year = "20/7"',
            "Hạn nộp “20/7” không đúng dạng",
        ),
    ],
)
def test_a_typo_in_schemas_is_a_clear_error(
    schemas: Path, file: str, old: str, new: str, complaint: str
) -> None:
    edit(schemas / file, old, new)
    with pytest.raises(ContractError, match=complaint):
        load_contract(schemas)


def test_a_changed_contract_is_checked_again_not_served_from_cache(schemas: Path) -> None:
    assert load_contract(schemas).severity("text-number") == "warning"
    edit(
        schemas / "rules.toml",
        '[rules.text-number]\nseverity = "warning"',
        '[rules.text-number]\nseverity = "error"',
    )
    assert load_contract(schemas).severity("text-number") == "error"


def test_another_bloc_is_a_file(tmp_path: Path) -> None:
    bloc = tmp_path / "other.toml"
    bloc.write_text(
        'id = "x"\nname = "Khối thử"\n[[members]]\nname = "Cần Thơ"\nslug = "can-tho"\n',
        encoding="utf-8",
    )
    assert load_contract(bloc=bloc).bloc.names == ["Cần Thơ"]


def test_missing_bloc_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match=r"Không có Khối .*none\.toml"):
        load_contract(bloc=tmp_path / "none.toml")


def test_an_unknown_bloc_lists_the_blocs_there_are() -> None:
    with pytest.raises(ContractError) as raised:
        load_contract(bloc="dbsh-2020")
    assert str(raised.value) == (
        "Không có Khối “dbsh-2020”. Các Khối có sẵn: dbsh-2016, dbsh-2025; "
        "hoặc ghi đường dẫn đến một tệp .toml."
    )


def test_a_damaged_cache_entry_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = load_contract()
    [entry] = (tmp_path / "ipstat").glob("contract-*.pickle")
    for damage in (b"", b"\x80\x05garbage", entry.read_bytes()[:40]):
        entry.write_bytes(damage)
        assert load_contract() == first


def test_no_cache_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("IPSTAT_NO_CACHE", "1")
    load_contract()
    assert not (tmp_path / "ipstat").exists()


def test_limits_are_data(schemas: Path) -> None:
    assert load_contract(schemas).form.limits.max_rows == 5000
    edit(schemas / "form.toml", "max_rows = 5000", "max_rows = 60")
    assert load_contract(schemas).form.limits.max_rows == 60


@pytest.mark.skipif(sys.platform != "linux", reason="the folder of Linux's convention")
def test_the_cache_is_where_the_platform_keeps_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`~/.cache/ipstat` without XDG_CACHE_HOME (on Windows: %LOCALAPPDATA%, by platformdirs)."""
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    load_contract()
    assert list((tmp_path / ".cache" / "ipstat").glob("contract-*.pickle"))
