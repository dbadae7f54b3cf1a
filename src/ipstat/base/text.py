"""Folding of Vietnamese text, so that names compare the way the contract says they do."""

import re
import unicodedata
from functools import lru_cache

_D = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")


def strip_marks(text: str) -> str:
    """Remove diacritics; `đ` has no decomposition, so it is folded by hand."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_D))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)  # run for every header and label cell: the same few texts each file
def fold(text: str) -> str:
    """NFC, case, diacritics and spaces away: `Chỉ tiêu`, `CHI TIEU` and `ChiTieu` are equal."""
    return _SPACES.sub("", strip_marks(unicodedata.normalize("NFC", text)).casefold())


def fold_words(text: str) -> list[str]:
    """Like `fold`, but keeps the words apart (dots separate words too: `Tr.USD`)."""
    folded = strip_marks(unicodedata.normalize("NFC", text)).casefold()
    return [word for word in re.split(r"[\s.]+", folded) if word]


# Vietnamese alphabetical order: ă, â, đ, ê, ô, ơ, ư are letters of their own, after the plain
# letter; the tones (none, huyền, hỏi, ngã, sắc, nặng) only decide between words otherwise equal.
_ALPHABET = {letter: rank for rank, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_LETTER_MARKS = "\u0306\u0302\u031b"  # breve, circumflex, horn: part of the letter
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]:
    """Sort key of a name in Vietnamese alphabetical order (`Hà Nam` < `Hà Nội` < `Hải Dương`
    < `Hưng Yên`), which the code points' order gets wrong; ties then broken by the text."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text).casefold():
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize(
            "NFC", parts[0] + "".join(m for m in parts[1:] if m in _LETTER_MARKS)
        )
        rank = _ALPHABET.get(base)
        letters.append((1, rank) if rank is not None else (0 if base < "a" else 2, ord(base)))
        tones.append(max((_TONES.get(m, 0) for m in parts[1:]), default=0))
    return tuple(letters), tuple(tones), text
