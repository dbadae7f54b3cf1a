"""The base of the contract's types, and how they are read: TOML files checked by pydantic,
whose errors are said in Vietnamese (`problems.py`)."""

import re
import tomllib
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from ipstat.base.errors import IpstatError, os_error_text

T = TypeVar("T")


class ContractError(IpstatError):
    """`schemas/` (or a bloc file given by the user) is not a valid contract: said like any
    other error a user can cause, whichever command meets it."""


class Checked:
    """Base of the contract's types: pydantic refuses a key it does not know (a typo)."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}


def unique(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"{what} “{item}” xuất hiện hai lần")
        seen.add(item)


def read_schema(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ContractError(f"Không đọc được tệp {path}: {os_error_text(exc)}.") from exc


def parse_toml(path: Path, content: bytes) -> dict[str, Any]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ContractError(
            f"Tệp {path} không phải UTF-8 (dòng {line}); hãy lưu lại tệp với bảng mã UTF-8."
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message is English; only where it is (line, column) is kept.
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        at = f" ở dòng {where[1]}, cột {where[2]}" if where else ""
        raise ContractError(f"Tệp {path} sai cú pháp TOML{at}.") from exc


def checked(kind: type[T], raw: object, what: str) -> T:
    """pydantic builds a contract type from TOML data, checking every type and value; the
    error names `what` and every field that is wrong."""
    from pydantic import TypeAdapter, ValidationError  # noqa: PLC0415

    from ipstat.contract.problems import problem_text  # noqa: PLC0415

    try:
        return TypeAdapter(kind).validate_python(raw)
    except ValidationError as exc:
        problems = "; ".join(
            ": ".join(filter(None, (".".join(str(p) for p in err["loc"]), problem_text(err))))
            for err in exc.errors()
        )
        raise ContractError(f"{what} không hợp lệ: {problems}") from exc
