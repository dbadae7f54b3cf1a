"""The inbox's ledger: when each version (a distinct content) of a workbook was first seen.

A file's modification time changes when it is copied or touched; the ledger does not, so the
order of a member's versions survives both. It is an SQLite file beside the workbooks; its
schema carries a version (`PRAGMA user_version`) and `_MIGRATIONS` brings an older ledger up to
date, so a later release can change the schema without losing a year's record. A run writes in
one transaction: interrupted, it leaves the ledger as it was.
"""

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ipstat.base.errors import IpstatError, os_error_text
from ipstat.base.locks import folder_lock
from ipstat.base.periods import YEARLY
from ipstat.base.temporary import clean_stale, make_temporary
from ipstat.base.visible import visible
from ipstat.checks.validation import LEDGER_NAME

# Step i brings a ledger of schema version i to version i + 1; version 0 is a new, empty file.
_MIGRATIONS = (
    """
    CREATE TABLE versions (
        sha256 TEXT PRIMARY KEY,
        member TEXT NOT NULL,
        year INTEGER,
        file TEXT NOT NULL,
        received TEXT NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL
    )
    """,
    # v2 (half-year.md): the period of a version, so that one folder may hold both periods'
    # reports and each keeps its own first receipt; every version recorded before was a year's.
    f"ALTER TABLE versions ADD COLUMN period TEXT NOT NULL DEFAULT '{YEARLY}'",
    # v3 (intake-portal.md): the portal's access links, only as hashes of their secret tokens;
    # `member` is NULL for the secretariat's link.
    """
    CREATE TABLE links (
        token_sha256 TEXT PRIMARY KEY,
        year INTEGER NOT NULL,
        member TEXT,
        created TEXT NOT NULL
    )
    """,
)
SCHEMA_VERSION = len(_MIGRATIONS)
# The oldest schema `read_ledger` reads as it is, without a writing run migrating it first: v2
# only added a column whose default every older row has (`aggregate --latest` on last year's
# inbox works without running `status` first); v3 only added the portal's `links` table.
READ_ONLY_FROM = 1
_COLUMNS = ("sha256", "member", "year", "file", "received", "errors", "warnings", "period")


class LedgerError(IpstatError):
    """The ledger cannot be read or written; it is never replaced behind the user's back."""


@dataclass(frozen=True)
class Entry:
    sha256: str
    member: str
    year: int | None
    file: str  # the name under which the content was first seen, as `visible` shows it
    received: dt.datetime
    errors: int
    warnings: int
    period: str = YEARLY  # the year's, or its first six months'


@dataclass(frozen=True)
class Link:
    """An access link of the portal: the hash of its token, whose it is (None: the
    secretariat's) and for which year."""

    token_sha256: str
    year: int
    member: str | None
    created: dt.datetime


def ledger_path(folder: Path) -> Path:
    return folder / LEDGER_NAME


class Ledger:
    """Versions by content hash. Use `open_ledger` (writing) or `read_ledger` (read-only)."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self._entries = {row.sha256: row for row in self._rows()}
        self._links = self._link_rows()

    def _rows(self) -> list[Entry]:
        present = {row[1] for row in self._db.execute("PRAGMA table_info(versions)")}
        columns = [c for c in _COLUMNS if c in present]  # read only, an older ledger has fewer
        rows = self._db.execute(f"SELECT {', '.join(columns)} FROM versions").fetchall()
        entries = []
        for row in rows:
            found = dict(zip(columns, row, strict=True))
            found["received"] = dt.datetime.fromisoformat(found["received"])
            entries.append(Entry(**found))
        return entries

    def _link_rows(self) -> list[Link]:
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master")}
        if "links" not in tables:  # read only, an older ledger has none
            return []
        rows = self._db.execute("SELECT token_sha256, year, member, created FROM links")
        return [Link(t, y, m, dt.datetime.fromisoformat(c)) for t, y, m, c in rows.fetchall()]

    @property
    def links(self) -> list[Link]:
        return list(self._links)

    def replace_links(self, year: int, links: list[Link]) -> None:
        """The year's links are these from now on: every earlier link of the year stops."""
        self._execute("DELETE FROM links WHERE year = ?", (year,))
        for link in links:
            self._execute(
                "INSERT INTO links (token_sha256, year, member, created) VALUES (?, ?, ?, ?)",
                (link.token_sha256, link.year, link.member, link.created.isoformat()),
            )
        self._links = [k for k in self._links if k.year != year] + links

    def get(self, sha256: str) -> Entry | None:
        return self._entries.get(sha256)

    @property
    def entries(self) -> list[Entry]:
        return list(self._entries.values())

    def record(self, entry: Entry) -> Entry:
        """A content seen for the first time is added as given; one already in the ledger keeps
        its file name and received time, and takes the member and counts found now."""
        known = self._entries.get(entry.sha256)
        if known is not None:
            entry = replace(entry, file=known.file, received=known.received)
        entry = replace(entry, file=visible(entry.file))  # SQLite keeps only valid UTF-8
        received = entry.received.replace(microsecond=0).isoformat()
        self._execute(
            f"INSERT OR REPLACE INTO versions ({', '.join(_COLUMNS)}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.sha256,
                entry.member,
                entry.year,
                entry.file,
                received,
                entry.errors,
                entry.warnings,
                entry.period,
            ),
        )
        self._entries[entry.sha256] = entry
        return entry

    def _execute(self, sql: str, parameters: tuple[object, ...] = ()) -> None:
        try:
            self._db.execute(sql, parameters)
        except sqlite3.Error as exc:
            raise _error(self.path, exc) from exc


@contextmanager
def open_ledger(folder: Path, waiting: Callable[[str], None] | None = None) -> Iterator[Ledger]:
    """The ledger of `folder` in one transaction, holding the folder for this run (`waiting`
    hears who holds it, if another run does): committed when the block ends normally, rolled
    back on any exception, so an interrupted run changes nothing. A new ledger is written
    beside as a temporary file and takes its name once committed: a first run killed at any
    moment leaves no ledger, never an empty one. A folder with nothing received gets none."""
    path = ledger_path(folder)
    with folder_lock(folder, "thư mục nhận báo cáo", waiting=waiting):
        clean_stale(folder)  # what a killed run left of a new ledger
        existed = path.exists()
        try:
            target = path if existed else make_temporary(folder)
            connection = sqlite3.connect(target, isolation_level=None)
        except OSError as exc:
            raise LedgerError(f"Không tạo được sổ theo dõi {path}: {os_error_text(exc)}.") from exc
        except sqlite3.Error as exc:
            raise _error(path, exc) from exc
        published = existed
        try:
            try:
                connection.execute("BEGIN IMMEDIATE")
                _migrate(path, connection, existed=existed)
                ledger = Ledger(path, connection)
            except sqlite3.Error as exc:
                raise _error(path, exc) from exc
            try:
                yield ledger
            except BaseException:
                _rollback(connection)
                raise
            if not existed and not ledger.entries and not ledger.links:  # nothing to keep
                _rollback(connection)
                return
            try:
                connection.execute("COMMIT")
            except sqlite3.Error as exc:
                _rollback(connection)
                raise _error(path, exc) from exc
            connection.close()
            if not existed:
                _publish(target, path)
                published = True
        finally:
            connection.close()
            if not published:
                target.unlink(missing_ok=True)
                Path(f"{target}-journal").unlink(missing_ok=True)


def _rollback(connection: sqlite3.Connection) -> None:
    """After a failed COMMIT (a full disk) SQLite may have rolled back already."""
    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.Error:
        return


def _publish(written: Path, path: Path) -> None:
    """The new ledger under its name; this run holds the folder, so no other run makes one."""
    try:
        os.replace(written, path)
    except OSError as exc:
        written.unlink(missing_ok=True)
        raise LedgerError(f"Không tạo được sổ theo dõi {path}: {os_error_text(exc)}.") from exc


def read_ledger(folder: Path) -> Ledger | None:
    """The ledger of `folder` read only, or None when there is none; never creates one."""
    path = ledger_path(folder)
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _error(path, exc) from exc
    try:
        version = _schema_version(path, connection, existed=True)
        if version < READ_ONLY_FROM:  # readable only once a writing run has migrated it
            raise LedgerError(
                f"Sổ theo dõi {path} theo lược đồ cũ (v{version}); hãy chạy `ipstat status` "
                "trên thư mục này để cập nhật sổ."
            )
        return Ledger(path, connection)
    except sqlite3.Error as exc:
        raise _error(path, exc) from exc
    finally:
        connection.close()


def _schema_version(path: Path, connection: sqlite3.Connection, *, existed: bool) -> int:
    """The ledger's schema version; 0 only for a ledger this run creates. A file that was there
    before with nothing of ipstat in it (0 bytes, say) is refused: a year's receipt times may
    have been lost, and starting over would hide it."""
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LedgerError(
            f"Sổ theo dõi {path} được ghi bởi phiên bản ipstat mới hơn (lược đồ v{version}); "
            "hãy cập nhật ipstat."
        )
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if version == 0 and tables:
        raise LedgerError(
            f"{path} là một cơ sở dữ liệu SQLite nhưng không phải sổ theo dõi của ipstat; "
            f"ipstat không ghi đè lên nó. Hãy đổi tên tệp này nếu đó không phải là sổ cần giữ."
        )
    if version == 0 and existed:
        raise LedgerError(
            f"Sổ theo dõi {path} rỗng hoặc bị hỏng (không có dữ liệu của ipstat). ipstat không "
            "ghi đè lên nó: hãy khôi phục tệp từ bản sao lưu, hoặc xóa nó để bắt đầu sổ mới "
            "(thời điểm nhận của mỗi bản sẽ được tính lại theo thời điểm sửa đổi của tệp)."
        )
    if version > 0:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(versions)")]
        if version == SCHEMA_VERSION and tuple(columns) != _COLUMNS:
            raise LedgerError(f"Sổ theo dõi {path} bị hỏng: bảng “versions” không đúng cấu trúc.")
    return version


def _migrate(path: Path, connection: sqlite3.Connection, *, existed: bool) -> None:
    version = _schema_version(path, connection, existed=existed)
    for step in _MIGRATIONS[version:]:
        connection.execute(step)
    if version < SCHEMA_VERSION:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# What to do about each SQLite result code (its primary code, without the extended part), in
# Vietnamese: sqlite's own message is English. Codes not listed fall back on the error's class.
_WHAT_TO_DO = {
    "SQLITE_READONLY": "tệp sổ hoặc thư mục chứa nó chỉ cho đọc; hãy cho phép ghi vào tệp và "
    "thư mục (Thuộc tính > bỏ chọn Chỉ đọc), hoặc chép cả thư mục sang nơi ghi được rồi chạy lại",
    "SQLITE_CANTOPEN": "không mở được tệp sổ: ở đó có một thư mục trùng tên, hoặc thư mục chứa "
    "sổ không cho ghi; hãy đổi tên thư mục trùng tên, hoặc cho phép ghi vào thư mục rồi chạy lại",
    "SQLITE_BUSY": "sổ đang được một lần chạy ipstat khác (hoặc chương trình khác) dùng; hãy đợi "
    "lần chạy đó xong, hoặc đóng chương trình đang mở sổ, rồi chạy lại",
    "SQLITE_LOCKED": "sổ đang bị khóa bởi một lần chạy khác; hãy đợi lần chạy đó xong rồi chạy lại",
    "SQLITE_PERM": "hệ điều hành không cho phép dùng tệp sổ; hãy kiểm tra quyền của tệp và thư mục",
    "SQLITE_FULL": "ổ đĩa đã đầy; hãy giải phóng chỗ trống rồi chạy lại",
    "SQLITE_IOERR": "lỗi đọc hoặc ghi đĩa khi dùng sổ; hãy kiểm tra ổ đĩa rồi chạy lại",
    "SQLITE_NOMEM": "không đủ bộ nhớ; hãy đóng bớt chương trình rồi chạy lại",
}
_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_FORMAT"}


def _sqlite_name(exc: sqlite3.Error) -> str:
    """`SQLITE_READONLY` for `SQLITE_READONLY_DIRECTORY`: the primary code says what to do."""
    code = getattr(exc, "sqlite_errorcode", None)
    name = getattr(exc, "sqlite_errorname", None) or ""
    if isinstance(code, int):
        primary = {
            3: "SQLITE_PERM", 5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 7: "SQLITE_NOMEM",
            8: "SQLITE_READONLY", 10: "SQLITE_IOERR", 11: "SQLITE_CORRUPT", 13: "SQLITE_FULL",
            14: "SQLITE_CANTOPEN", 24: "SQLITE_FORMAT", 26: "SQLITE_NOTADB",
        }  # fmt: skip
        return primary.get(code & 0xFF, name)
    return name


def _error(path: Path, exc: sqlite3.Error) -> LedgerError:
    """sqlite's English message never reaches the user: the result code says what happened."""
    name = _sqlite_name(exc)
    if name in _WHAT_TO_DO:
        return LedgerError(f"Không dùng được sổ theo dõi {path}: {_WHAT_TO_DO[name]}.")
    if name not in _DAMAGED and isinstance(exc, sqlite3.OperationalError):
        code = f" (mã lỗi SQLite {name})" if name else ""
        return LedgerError(
            f"Không dùng được sổ theo dõi {path}{code}; hãy kiểm tra tệp sổ và quyền ghi của thư "
            "mục rồi chạy lại."
        )
    return LedgerError(
        f"Sổ theo dõi {path} bị hỏng hoặc không phải là tệp SQLite. ipstat không ghi đè "
        "lên nó: hãy khôi phục tệp từ bản sao lưu, hoặc đổi tên nó để bắt đầu sổ mới (thời điểm "
        "nhận của mỗi bản sẽ được tính lại theo thời điểm sửa đổi của tệp)."
    )
