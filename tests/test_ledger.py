"""The ledger: created on first use, versioned, one transaction a run, never silently replaced."""

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from ipstat.bloc.ledger import (
    SCHEMA_VERSION,
    Entry,
    LedgerError,
    open_ledger,
    read_ledger,
)
from ipstat.checks.validation import LEDGER_NAME

WHEN = dt.datetime(2018, 1, 15, 9, 30)


def entry(sha: str = "a" * 64, received: dt.datetime = WHEN, errors: int = 0) -> Entry:
    return Entry(sha, "Hà Nam", 2017, "ha-nam.xlsx", received, errors, 0)


def rows(folder: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / LEDGER_NAME) as db:
        return db.execute("SELECT * FROM versions ORDER BY sha256").fetchall()


def test_created_on_first_use_with_its_schema_version(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger:
        ledger.record(entry())
    with sqlite3.connect(tmp_path / LEDGER_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert rows(tmp_path) == [
        ("a" * 64, "Hà Nam", 2017, "ha-nam.xlsx", "2018-01-15T09:30:00", 0, 0, "nam")
    ]


def _version_1_ledger(folder: Path) -> None:
    """A ledger as releases before the half-year wrote it: no period column."""
    with sqlite3.connect(folder / LEDGER_NAME) as db:
        db.execute(
            "CREATE TABLE versions (sha256 TEXT PRIMARY KEY, member TEXT NOT NULL, year INTEGER, "
            "file TEXT NOT NULL, received TEXT NOT NULL, errors INTEGER NOT NULL, "
            "warnings INTEGER NOT NULL)"
        )
        db.execute(
            "INSERT INTO versions VALUES (?, 'Hà Nam', 2017, 'ha-nam.xlsx', "
            "'2018-01-15T09:30:00', 1, 0)",
            ("a" * 64,),
        )
        db.execute("PRAGMA user_version = 1")


def test_a_ledger_of_before_the_half_year_is_read_as_it_is_and_migrated_by_status(
    tmp_path: Path,
) -> None:
    """`aggregate --latest` reads last year's ledger without `status` first; the next `status`
    adds the period column, every earlier version a year's, and keeps its receipt."""
    _version_1_ledger(tmp_path)
    read = read_ledger(tmp_path)
    assert read is not None
    assert read.get("a" * 64) == Entry("a" * 64, "Hà Nam", 2017, "ha-nam.xlsx", WHEN, 1, 0, "nam")
    with open_ledger(tmp_path) as ledger:
        ledger.record(entry("b" * 64, received=WHEN + dt.timedelta(days=1)))
    with sqlite3.connect(tmp_path / LEDGER_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert rows(tmp_path) == [
        ("a" * 64, "Hà Nam", 2017, "ha-nam.xlsx", "2018-01-15T09:30:00", 1, 0, "nam"),
        ("b" * 64, "Hà Nam", 2017, "ha-nam.xlsx", "2018-01-16T09:30:00", 0, 0, "nam"),
    ]


def test_a_known_content_keeps_its_name_and_received_time(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger:
        ledger.record(entry())
    later = Entry("a" * 64, "Hà Nam", 2017, "copy.xlsx", WHEN + dt.timedelta(days=3), 2, 1)
    with open_ledger(tmp_path) as ledger:
        kept = ledger.record(later)
    assert (kept.file, kept.received, kept.errors, kept.warnings) == ("ha-nam.xlsx", WHEN, 2, 1)
    assert read_ledger(tmp_path).get("a" * 64) == kept  # type: ignore[union-attr]


def test_an_exception_mid_run_leaves_the_ledger_as_it_was(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger:
        ledger.record(entry("a" * 64))
    before = rows(tmp_path)

    def interrupted_run() -> None:
        with open_ledger(tmp_path) as ledger:
            ledger.record(entry("b" * 64))
            ledger.record(entry("a" * 64, errors=5))
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_run()
    assert rows(tmp_path) == before


@pytest.mark.parametrize(
    "content",
    [b"this is not a database", b"SQLite format 3\x00" + b"\xff" * 200],
    ids=["text", "truncated"],
)
def test_a_damaged_ledger_is_a_clear_error_and_is_not_replaced(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / LEDGER_NAME
    path.write_bytes(content)

    def write() -> None:
        with open_ledger(tmp_path):
            pass

    def read() -> None:
        read_ledger(tmp_path)

    for use in (write, read):
        with pytest.raises(LedgerError, match="bị hỏng") as caught:
            use()
        assert str(path) in str(caught.value) and "không ghi đè" in str(caught.value)
    assert path.read_bytes() == content


def test_another_sqlite_database_is_not_taken_for_a_ledger(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / LEDGER_NAME) as db:
        db.execute("CREATE TABLE other (x)")
    with pytest.raises(LedgerError, match="không phải sổ theo dõi"), open_ledger(tmp_path):
        pass
    with sqlite3.connect(tmp_path / LEDGER_NAME) as db:
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["other"]


def test_a_ledger_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / LEDGER_NAME) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(LedgerError, match="phiên bản ipstat mới hơn"), open_ledger(tmp_path):
        pass


def test_reading_never_creates_a_ledger(tmp_path: Path) -> None:
    assert read_ledger(tmp_path) is None
    assert not (tmp_path / LEDGER_NAME).exists()


def test_an_empty_ledger_file_is_refused_not_started_over(tmp_path: Path) -> None:
    """A 0-byte ledger is a year's receipt times lost (an editor, a failed copy): only a
    missing ledger is created."""
    path = tmp_path / LEDGER_NAME
    path.write_bytes(b"")

    def write() -> None:
        with open_ledger(tmp_path) as ledger:
            ledger.record(entry())

    def read() -> None:
        read_ledger(tmp_path)

    for use in (write, read):
        with pytest.raises(LedgerError, match="rỗng hoặc bị hỏng") as caught:
            use()
        assert str(path) in str(caught.value) and "không ghi đè" in str(caught.value)
    assert path.read_bytes() == b""


def test_an_interrupted_first_run_leaves_no_ledger(tmp_path: Path) -> None:
    def interrupted_run() -> None:
        with open_ledger(tmp_path) as ledger:
            ledger.record(entry())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        interrupted_run()
    assert not (tmp_path / LEDGER_NAME).exists()


KILLED = """
import os, sys, datetime as dt
from pathlib import Path
from ipstat.bloc.ledger import Entry, open_ledger

folder, when = Path(sys.argv[1]), sys.argv[2]
with open_ledger(folder) as ledger:
    ledger.record(Entry("a" * 64, "Hà Nam", 2017, "ha-nam.xlsx", dt.datetime(2018, 1, 15), 0, 0))
    if when == "recorded":
        os._exit(9)  # as SIGKILL, the transaction open
    ledger._db.execute("COMMIT")  # the commit's bytes written...
    os._exit(9)  # ...and killed before the ledger took its name
"""


@pytest.mark.parametrize("when", ["recorded", "committed"])
def test_a_killed_first_run_leaves_no_ledger_to_refuse(tmp_path: Path, when: str) -> None:
    """Killed at any moment, a first `status` leaves nothing that later runs stop on."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", KILLED, str(tmp_path), when], check=False)
    assert result.returncode == 9
    assert not (tmp_path / LEDGER_NAME).exists()
    with open_ledger(tmp_path) as ledger:  # the next run starts the ledger, cleanly
        ledger.record(entry())
    assert len(rows(tmp_path)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [LEDGER_NAME]  # the killed run's files gone


def test_a_full_disk_is_said_and_the_ledger_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite rolls back by itself on a full disk: the message is ours, never its own."""
    with open_ledger(tmp_path) as ledger:
        ledger.record(entry())
    before = (tmp_path / LEDGER_NAME).read_bytes()
    real_connect = sqlite3.connect

    def full(database: Path, isolation_level: None = None) -> sqlite3.Connection:
        connection = real_connect(database, isolation_level=isolation_level)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
        return connection

    monkeypatch.setattr(sqlite3, "connect", full)

    def record_many() -> None:
        with open_ledger(tmp_path) as ledger:
            for n in range(200):
                ledger.record(entry(sha=f"{n:064d}"))

    with pytest.raises(LedgerError, match="ổ đĩa đã đầy"):
        record_many()
    assert (tmp_path / LEDGER_NAME).read_bytes() == before
