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
