"""Text from input made safe to show: control characters and undecodable bytes made visible.

A cell value or a file name may hold an escape sequence (`\\x1b[2J` clears a terminal), a
character that XML 1.0 forbids, or (a Linux file name that is not UTF-8) a lone surrogate that
no encoder accepts. Each is shown, not obeyed and not dropped: C0 controls as their Control
Pictures (`␛`), other controls and bidirectional overrides as `<U+202E>`, undecodable bytes as
`\\xff`.
"""

import re

_DANGEROUS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)


def _shown(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"<U+{code:04X}>"


def visible(text: str, keep: str = "\t") -> str:
    """`text` with every control character not in `keep` made visible."""
    return _DANGEROUS.sub(lambda m: m[0] if m[0] in keep else _shown(m[0]), text)


def encodable(text: str) -> str:
    """Only the undecodable bytes made visible: for formats that escape controls themselves."""
    return re.sub("[\ud800-\udfff]", lambda m: _shown(m[0]), text)


def encodable_data(value: object) -> object:
    """`encodable` on every text inside lists and dicts: for data written as JSON."""
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, dict):
        return {key: encodable_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encodable_data(item) for item in value]
    return value
