"""pydantic's error messages are English; a contract's problems are told in Vietnamese.

The text is chosen by the error's `type` (stable across pydantic versions), never by its
English `msg`; a type not known here still gets a Vietnamese sentence.
"""

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

_TABLE = "phải là một bảng (các dòng khóa = giá trị)"
_LIST = "phải là một danh sách [ … ]"
_NUMBER = "phải là một số"
_INTEGER = "phải là số nguyên"
_TEXT = "phải là chữ, đặt trong dấu ngoặc kép"
_BOOL = "phải là true hoặc false"

_MISSING = "thiếu, bắt buộc phải có"
_EXTRA = "khóa này không có trong quy ước (gõ nhầm tên?)"
_BY_TYPE = {
    "missing": _MISSING,
    "missing_argument": _MISSING,
    "missing_keyword_only_argument": _MISSING,
    "extra_forbidden": _EXTRA,
    "unexpected_keyword_argument": _EXTRA,
    "finite_number": "phải là một số hữu hạn",
    "decimal_max_digits": "có quá nhiều chữ số",
    "decimal_max_places": "có quá nhiều chữ số sau dấu phẩy",
    "decimal_whole_digits": "có quá nhiều chữ số trước dấu phẩy",
    "string_too_short": "quá ngắn",
    "string_too_long": "quá dài",
    "string_pattern_mismatch": "không đúng dạng",
    "tuple_type": _LIST,
    "list_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "iterable_type": _LIST,
    "dict_type": _TABLE,
    "mapping_type": _TABLE,
    "dataclass_type": _TABLE,
    "dataclass_args_type": _TABLE,
    "model_type": _TABLE,
    "model_attributes_type": _TABLE,
}
_BY_FAMILY = {
    "int_": _INTEGER,
    "float_": _NUMBER,
    "decimal_": _NUMBER,
    "string_": _TEXT,
    "bool_": _BOOL,
    "date": "phải là một ngày",
    "time": "phải là một giờ",
}
_BOUNDS = {
    "greater_than": ("gt", "phải lớn hơn {}"),
    "greater_than_equal": ("ge", "phải từ {} trở lên"),
    "less_than": ("lt", "phải nhỏ hơn {}"),
    "less_than_equal": ("le", "phải từ {} trở xuống"),
    "multiple_of": ("multiple_of", "phải là bội số của {}"),
    "too_short": ("min_length", "phải có ít nhất {} phần tử"),
    "too_long": ("max_length", "chỉ được có nhiều nhất {} phần tử"),
}
_FALLBACK = "giá trị không dùng được"


def problem_text(error: Mapping[str, Any]) -> str:
    """One of pydantic's `ValidationError.errors()`, said in Vietnamese (without its place)."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])  # our own __post_init__ texts, Vietnamese already
    if kind == "literal_error" and "expected" in ctx:
        allowed = ", ".join(f"“{value}”" for value in _literals(str(ctx["expected"])))
        return f"phải là một trong: {allowed}{_given(error)}"
    if kind in _BOUNDS:
        key, text = _BOUNDS[kind]
        if key in ctx:
            return text.format(ctx[key]) + _given(error)
    text = _BY_TYPE.get(kind) or next(
        (text for prefix, text in _BY_FAMILY.items() if kind.startswith(prefix)), _FALLBACK
    )
    return text if text in (_MISSING, _EXTRA) else text + _given(error)


def _literals(expected: str) -> list[str]:
    """pydantic lists the allowed values as English prose: `'a', 'b' or 'c'`."""
    return [part.strip("'\"") for part in re.split(r", | or ", expected) if part]


def _given(error: Mapping[str, Any]) -> str:
    """What the file gave instead, as TOML would write it."""
    if "input" not in error:
        return ""
    value = error["input"]
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, str):
        shown = f"“{value}”"
    elif isinstance(value, int | float | Decimal | dt.date | dt.time):
        shown = str(value)
    elif isinstance(value, Mapping):
        shown = "một bảng"
    elif isinstance(value, list | tuple):
        shown = "một danh sách"
    else:
        return ""
    return f" (đang ghi {shown})"
