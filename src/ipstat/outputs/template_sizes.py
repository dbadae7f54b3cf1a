"""How much an operation of a template makes, told before it is made.

`'x' * 10**10` asks for ten gigabytes at once: counting the result after it is made is too
late. The operations that can make more than they are given (`*`, `+`, `%`, `**`, the filters
and methods with a width or a count) are measured here from their operands, so that
`template_budget` refuses them first; any other result is counted after.
"""

import re
from collections.abc import Callable
from typing import Any

SIZED = (str, bytes, list, tuple, dict, set, frozenset)
SEQUENCES = (str, bytes, list, tuple)
_BITS_A_DIGIT = 3.33


def size(value: Any) -> int:
    """Characters of a text, items of a list: what the budget counts."""
    return len(value) if isinstance(value, SIZED) else 0


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


def binop_size(operator: str, left: Any, right: Any) -> int:
    """What `left <operator> right` makes (an int's digits are `number_digits`)."""
    if operator == "*":
        if isinstance(left, int) and isinstance(right, SEQUENCES):
            left, right = right, left
        if isinstance(left, SEQUENCES) and isinstance(right, int):
            return len(left) * max(right, 0)
    elif operator == "+":
        if isinstance(left, SEQUENCES) and isinstance(right, SEQUENCES):
            return len(left) + len(right)
    elif operator == "%" and isinstance(left, str):
        return percent_size(left, right)
    return 0


def number_digits(operator: str, left: Any, right: Any) -> int:
    """About how many digits an int product or power has (`9 ** (9 ** 9)`: 370 million)."""
    if not (isinstance(left, int) and isinstance(right, int)):
        return 0
    if operator == "*":
        return int((left.bit_length() + right.bit_length()) / _BITS_A_DIGIT)
    if operator == "**" and right > 0 and abs(left) > 1:
        return int(abs(left).bit_length() * right / _BITS_A_DIGIT)
    return 0


# `%s`, `%(name)-10.3f`, `%*d`: the width and precision that make a text longer.
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.)")


def percent_size(pattern: str, values: Any) -> int:
    """About how long `pattern % values` is: each conversion its width and precision (`*`: the
    largest number given) and the longest value (a name may be repeated: `%(a)s%(a)s`)."""
    given = list(values.values()) if isinstance(values, dict) else values
    given = list(given) if isinstance(given, tuple | list) else [given]
    longest = max(map(size, given), default=0)
    star = max((abs(value) for value in given if isinstance(value, int)), default=0)
    made = len(pattern)
    for conversion in _CONVERSION.finditer(pattern):
        if conversion[3] != "%":
            for number in conversion[1], conversion[2]:
                made += star if number == "*" else int(number or 0)
            made += longest
    return made


def _replaced(text: Any, old: Any, new: Any, count: Any) -> int:
    if not (isinstance(text, str) and isinstance(old, str)):
        return 0
    found = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * size(new)


def _summed(items: Any, start: Any) -> int:
    """`[[1] * 2000] * 2000 | sum(start=[])` makes every partial list on the way."""
    if not isinstance(start, SEQUENCES) or not isinstance(items, list | tuple):
        return 0
    made = total = len(start)
    for item in items:
        total += size(item)
        made += total
    return made


def _wrapped(text: Any, width: Any, wrapstring: Any) -> int:
    lines = size(text) // max(_int(width), 1) + 1
    return size(text) + lines * max(size(wrapstring), 1)


def _indented(text: Any, width: Any) -> int:
    lines = text.count("\n") + 1 if isinstance(text, str) else 1
    return size(text) + lines * (width if isinstance(width, int) else size(width))


# The filters (and `lipsum`) that can make more than they are given, by the arguments Jinja
# binds to their parameters.
FILTER_SIZES: dict[str, Callable[[dict[str, Any]], int]] = {
    "center": lambda a: max(size(a["value"]), _int(a["width"])),
    "indent": lambda a: _indented(a["s"], a["width"]),
    "wordwrap": lambda a: _wrapped(a["s"], a["width"], a["wrapstring"]),
    "replace": lambda a: _replaced(str(a["s"]), str(a["old"]), a["new"], a["count"]),
    "batch": lambda a: _int(a["linecount"]) if a["fill_with"] is not None else 0,
    "slice": lambda a: _int(a["slices"]),
    "sum": lambda a: _summed(a["iterable"], a["start"]),
    "format": lambda a: (
        percent_size(a["value"], a["kwargs"] or a["args"]) if isinstance(a["value"], str) else 0
    ),
    "lipsum": lambda a: _int(a["n"]) * _int(a["max"]) * 16,  # words of at most 15 letters
}


def method_size(method: Any, args: tuple[Any, ...]) -> tuple[int | None, tuple[Any, ...]]:
    """What a method of a text or list makes (`'x'.ljust(10**10)`), and the arguments to call
    it with (a generator given to `join` is read here, once); None when it does not tell."""
    self, name = method.__self__, method.__name__
    if not isinstance(self, str | list) or not args:
        return None, args
    first = args[0]
    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(self), _int(first)), args
    if name == "expandtabs" and isinstance(self, str):
        return len(self) + self.count("\t") * _int(first), args
    if name == "replace" and len(args) >= 2:
        return _replaced(self, first, args[1], args[2] if len(args) > 2 else -1), args
    if name == "translate" and isinstance(first, dict):
        return len(self) * max(max(map(size, first.values()), default=1), 1), args
    if name == "join" and isinstance(self, str):
        items = list(first)
        return len(self) * len(items) + sum(map(size, items)), (items, *args[1:])
    if name == "extend":
        return size(first), args
    return None, args
