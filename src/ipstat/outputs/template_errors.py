"""Jinja's errors in a user's template, in Vietnamese.

Jinja words its errors in English for developers ("Expected an expression, got 'end of
statement block'"). An analyst who writes a report template reads instead what is wrong, on
which line, with the token Jinja stumbled on; a message not in the tables below still says
which line and shows the text of that line, never Jinja's English.
"""

import difflib
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.formatting import format_number
from ipstat.outputs.template_budget import OverBudget

# How Jinja names the tokens (jinja2.lexer._describe_token_type); a name token is itself.
TOKENS = {
    "end of statement block": "cuối thẻ lệnh “%}”",
    "begin of statement block": "đầu thẻ lệnh “{%”",
    "end of print statement": "cuối thẻ in “}}”",
    "begin of print statement": "đầu thẻ in “{{”",
    "end of template": "cuối mẫu",
    "begin of comment": "đầu chú thích “{#”",
    "end of comment": "cuối chú thích “#}”",
    "comment": "chú thích",
    "template data / text": "văn bản",
    "name": "một tên",
    "integer": "một số nguyên",
    "float": "một số thập phân",
    "string": "một chuỗi chữ",
}


def _token(described: str) -> str:
    return TOKENS.get(described, f"“{described}”")


def _tags(listed: str) -> str:
    """`'elif' or 'else' or 'endif'` → `{% elif %}, {% else %} hoặc {% endif %}`."""
    tags = [f"{{% {tag} %}}" for tag in re.findall(r"'([^']+)'", listed)]
    return ", ".join(tags[:-1]) + (" hoặc " if len(tags) > 1 else "") + tags[-1]


def _unclosed(message: str) -> str:
    """The tail of Jinja's unknown-tag and end-of-template messages: what it waited for."""
    said = []
    innermost = re.search(r"The innermost block that needs to be closed is '([^']+)'", message)
    if innermost:
        said.append(f"khối “{{% {innermost[1]} %}}” chưa được đóng")
    looking = re.search(r"looking for (?:the following tags: )?((?:'[^']+'(?: or )?)+)", message)
    if looking:
        said.append(f"đang chờ {_tags(looking[1])}")
    return f" ({'; '.join(said)})" if said else ""


# Jinja's syntax errors (parser, lexer, compiler), tried in order against the whole message.
SYNTAX: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.DOTALL), r)
    for p, r in [
        (r"Expected an expression, got '(.+)'", "thiếu biểu thức (tên, số hoặc chuỗi) trước {T0}"),
        (r"unexpected end of template, expected '(.+)'\.", "mẫu hết khi còn thiếu {T0}"),
        (r"expected token '(.+)', got '(.+)'", "cần {T0} nhưng gặp {T1}"),
        (r"Unexpected end of template\..*", "mẫu hết khi còn khối chưa đóng{U}"),
        (
            r"Encountered unknown tag '([^']+)'\. You probably made a nesting mistake.*",
            "thẻ “{{% {0} %}}” đặt sai chỗ, có lẽ các khối lồng nhau sai thứ tự{U}",
        ),
        (
            r"Encountered unknown tag '([^']+)'\..*",
            "thẻ “{{% {0} %}}” không có hoặc không dùng được ở đây{U}",
        ),
        (r"tag name expected", "thiếu tên thẻ sau “{{%”"),
        (r"unexpected '(.+)', expected '(.+)'", "gặp {T0} trong khi cần đóng bằng {T1}"),
        (r"unexpected char ['\"](.+)['\"] at \d+", "ký tự “{0}” không dùng được ở đây"),
        (r"Missing end of comment tag", "thiếu “#}}” để đóng chú thích"),
        (r"Missing end of raw directive", "thiếu “{{% endraw %}}” để đóng khối raw"),
        (r"unexpected '(.+)'", "thừa {T0}"),
        (r"can't assign to '(.+)'", "không gán giá trị được cho vế trái này"),
        (r"Block names in Jinja .*", "tên khối không được có dấu “-”; hãy dùng dấu “_”"),
        (r"block '(.+)' defined twice", "khối “{0}” được định nghĩa hai lần"),
        (r"Invalid character in identifier", "tên có ký tự không dùng được"),
        (r"expected name or number", "sau dấu chấm cần một tên hoặc một số"),
        (r"expected subscript expression", "trong ngoặc vuông cần một chỉ số"),
        (r"invalid syntax for function call expression", "lời gọi hàm viết sai"),
    ]
]

UNSAFE_ATTRIBUTE = re.compile(r"access to attribute '(.+?)' of '.+?' object is unsafe\.?")
OPERANDS = re.compile(r"unsupported operand type\(s\) for (.+?): '(.+?)' and '(.+?)'")
TYPES = {
    "int": "số nguyên",
    "float": "số",
    "Decimal": "số",
    "str": "chữ",
    "list": "danh sách",
    "tuple": "danh sách",
    "dict": "bảng",
    "NoneType": "giá trị rỗng",
    "bool": "giá trị đúng/sai",
}


def syntax_text(message: str, source_line: str, env: Any = None) -> str:
    """Vietnamese for one of Jinja's syntax messages, or the offending line quoted."""
    unknown = unknown_text(message, env)
    if unknown:
        return unknown
    for pattern, template in SYNTAX:
        match = pattern.fullmatch(message.strip())
        if match:
            groups = match.groups()
            tokens = {f"T{i}": _token(group) for i, group in enumerate(groups)}
            return template.format(*groups, U=_unclosed(message), **tokens)
    shown = source_line.strip()
    return f"viết sai ở “{shown}”" if shown else "viết sai quy tắc của Jinja"


UNKNOWN = re.compile(r"No (filter|test) named '(.+?)'(?: found)?\.")


def unknown_text(message: str, env: Any = None) -> str | None:
    """`No filter named 'x'.` (when compiling) or `… found.` (a filter under an `if`, when the
    branch runs), with the closest name the environment has: a misspelt name is the usual cause."""
    unknown = UNKNOWN.fullmatch(message.strip())
    if unknown is None:
        return None
    kind, name = unknown.groups()
    names = (env.filters if kind == "filter" else env.tests) if env is not None else ()
    closest = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
    hint = f"; có phải “{closest[0]}”?" if closest else ""
    if kind == "filter":
        return f"không có bộ lọc “{name}”{hint}"
    return f"không có phép thử “{name}” (sau “is”){hint}"


def _count(value: float) -> str:
    return format_number(Decimal(str(value)), 1)


# Where a text went over the budget (`OverBudget.what`).
MADE_AT = {
    "operator": "ở phép “{}”",
    "filter": "ở bộ lọc “{}”",
    "method": "ở hàm “{}”",
    "function": "ở hàm “{}”",
    "join": "khi nối chuỗi (“~” hoặc join)",
    "captured": "ở nội dung một macro, khối set hoặc khối filter gom lại",
    "output": "ở phần in ra",
}


def budget_text(exc: OverBudget) -> str:
    """Vietnamese for a template that went over a budget of `template_budget`."""
    kind, name = exc.what
    if exc.kind == "time":
        return (
            f"mẫu chạy quá {_count(exc.limit)} giây mà chưa xong; có lẽ các vòng lặp lồng nhau "
            "quá lớn hoặc không dừng"
        )
    if exc.kind == "steps":
        return (
            f"các vòng lặp của mẫu đã chạy quá {_count(exc.limit)} lượt; có lẽ các vòng lặp "
            "lồng nhau quá lớn"
        )
    if exc.kind == "number":
        return f"phép “{name}” cho ra số quá lớn (hơn {_count(exc.limit)} chữ số)"
    if exc.kind == "recursion":
        if kind == "macro":
            return f"macro “{name}” gọi lại chính nó không dừng; hãy thêm điều kiện dừng"
        if kind == "block":
            return f"khối “{name}” gọi lại chính nó không dừng"
        if kind == "loop":
            return "vòng lặp recursive gọi loop(…) lại không dừng; hãy thêm điều kiện dừng"
        return "mẫu gọi lồng nhau quá sâu, có lẽ gọi lại chính nó không dừng"
    where = MADE_AT.get(kind, "").format(name)
    return (
        f"mẫu tạo ra quá nhiều chữ: hơn {_count(exc.limit)} ký tự hoặc phần tử danh sách"
        f"{' ' + where if where else ''} (một báo cáo thật chỉ vài chục nghìn ký tự)"
    )


def recursion_text(exc: RecursionError) -> str:
    """An include or import of itself: the template that the traceback repeats most (Jinja
    gives a template's frames its file name; Python's own end in `.py`)."""
    names: Counter[str] = Counter()
    tb = exc.__traceback__
    while tb is not None:
        name = Path(tb.tb_frame.f_code.co_filename).name
        if not name.endswith(".py") and not name.startswith("<"):
            names[name] += 1
        tb = tb.tb_next
    repeated = [name for name, count in names.most_common(1) if count >= 10]
    if repeated:
        return (
            f"mẫu “{repeated[0]}” được include hoặc import lại chính nó không dừng; hãy bỏ lệnh "
            "đó hoặc thêm điều kiện dừng"
        )
    return "mẫu gọi lồng nhau quá sâu, có lẽ gọi lại chính nó không dừng"


def runtime_text(exc: BaseException, env: Any = None) -> str:
    """Vietnamese for what stops a template while it runs (the sandbox, a wrong value)."""
    from jinja2 import TemplateNotFound  # noqa: PLC0415
    from jinja2.exceptions import SecurityError  # noqa: PLC0415
    from jinja2.sandbox import MAX_RANGE  # noqa: PLC0415

    message = str(exc)
    if isinstance(exc, OverBudget):
        return budget_text(exc)
    if isinstance(exc, RecursionError):
        return recursion_text(exc)
    if isinstance(exc, MemoryError):
        return "mẫu cần quá nhiều bộ nhớ (một chuỗi hoặc danh sách quá lớn)"
    unknown = unknown_text(message, env)
    if unknown:
        return unknown
    if isinstance(exc, SecurityError):
        unsafe = UNSAFE_ATTRIBUTE.fullmatch(message)
        if unsafe:
            return (
                f"mẫu dùng thuộc tính không được phép “{unsafe[1]}”: mẫu chỉ được đọc số liệu "
                "của báo cáo, không được truy cập vào bên trong chương trình"
            )
        return "mẫu gọi một hàm không được phép: mẫu chỉ được đọc số liệu của báo cáo"
    if isinstance(exc, TemplateNotFound):
        return f"không tìm thấy mẫu “{exc.name}” (mẫu được gọi bằng include, import hoặc extends)"
    if isinstance(exc, OverflowError) and "Range too big" in message:
        return f"dãy range(…) quá dài: tối đa {MAX_RANGE:_} phần tử".replace("_", ".")
    if isinstance(exc, OverflowError):
        return "phép tính cho ra số quá lớn"
    if isinstance(exc, ZeroDivisionError):
        return "phép chia cho 0"
    operands = OPERANDS.fullmatch(message)
    if operands:
        left, right = (TYPES.get(name, name) for name in operands.groups()[1:])
        return f"phép “{operands[1]}” không làm được giữa {left} và {right}"
    if isinstance(exc, TypeError | AttributeError):
        return "một phép tính hoặc bộ lọc được dùng với giá trị sai kiểu"
    if isinstance(exc, ValueError):
        return "một bộ lọc hoặc phép tính nhận giá trị không dùng được"
    return "mẫu dừng giữa chừng vì một lỗi khi chạy"


def template_error(exc: BaseException, path: Path, env: Any = None) -> str:
    """`Mẫu <path>, dòng N: <what is wrong>` for any error Jinja or the template raises; `env`
    for the names of its filters and tests, when one is misspelt."""
    from jinja2 import TemplateSyntaxError  # noqa: PLC0415

    if isinstance(exc, UnicodeDecodeError):
        content = exc.object if isinstance(exc.object, bytes) else b""
        line = content[: exc.start].count(b"\n") + 1
        column = exc.start - content.rfind(b"\n", 0, exc.start)
        return (
            f"Mẫu {path}, dòng {line}, byte thứ {column}: mẫu không phải UTF-8; hãy lưu lại mẫu "
            "với bảng mã UTF-8 (trong Notepad: Lưu thành > Mã hóa: UTF-8)."
        )
    if isinstance(exc, TemplateSyntaxError):
        where = Path(exc.filename) if exc.filename else path
        lines = (exc.source or "").splitlines()
        source_line = lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else ""
        text = syntax_text(exc.message or "", source_line, env)
        return _sentence(f"Mẫu {where}, dòng {exc.lineno}: lỗi cú pháp: {text}")
    return _sentence(f"{template_at(exc, path)}: {runtime_text(exc, env)}")


def _sentence(text: str) -> str:
    """A full stop, unless the message ends asking (`; có phải “phan_tram”?`)."""
    return text if text.endswith("?") else f"{text}."


def template_at(exc: BaseException, path: Path) -> str:
    """`Mẫu <path>, dòng N`, the line left out where Jinja's traceback does not give it."""
    line = template_line(exc, path)
    return f"Mẫu {path}, dòng {line}" if line else f"Mẫu {path}"


def template_line(exc: BaseException, path: Path) -> int | None:
    """Jinja keeps the template's own line numbers in the traceback frames it rewrites."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == path.name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
