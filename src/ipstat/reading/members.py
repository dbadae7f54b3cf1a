"""Which member a workbook's `tinh` names: `TP. Hà Nội`, `HA NOI`, `Thanh pho Ha Noi` agree."""

import difflib
import re

from ipstat.contract.model import Bloc, Member
from ipstat.contract.textnorm import fold, strip_marks


def member_key(name: str, prefixes: tuple[str, ...]) -> str:
    """A name folded for matching, with an administrative prefix (`tỉnh`, `TP.`) removed."""
    text = strip_marks(name).casefold().strip()
    for prefix in sorted((strip_marks(p).casefold() for p in prefixes), key=len, reverse=True):
        if re.match(re.escape(prefix) + r"(?:\s|\.|$)", text) or (
            prefix.endswith(".") and text.startswith(prefix)
        ):
            text = text[len(prefix) :]
            break
    return fold(re.sub(r"[^\w\s]", " ", text))


def match_member(name: str, bloc: Bloc, prefixes: tuple[str, ...]) -> Member | None:
    key = member_key(name, prefixes)
    for member in bloc.members:
        if key in {member_key(n, prefixes) for n in (member.name, *member.aliases)}:
            return member
    return None


def former_member(name: str, bloc: Bloc, prefixes: tuple[str, ...]) -> str | None:
    """The member a former member was merged into (`Hải Dương` → `Hải Phòng` in 2025)."""
    key = member_key(name, prefixes)
    for old, new in bloc.predecessors.items():
        if member_key(old, prefixes) == key and old != new:
            return new
    return None


def closest_member(name: str, bloc: Bloc, prefixes: tuple[str, ...]) -> str | None:
    keys = {member_key(m.name, prefixes): m.name for m in bloc.members}
    found = difflib.get_close_matches(member_key(name, prefixes), list(keys), n=1, cutoff=0.6)
    return keys[found[0]] if found else None


def named_in(member: Member, file_name: str) -> bool:
    """Whether a file name names the member: its slug or a folded name (`bao-cao-ha-noi.xls`,
    `Báo cáo Hà Nội.xlsm`). A hint for the clerk, not a match."""
    words = fold(re.sub(r"[\W_]+", " ", strip_marks(file_name)))
    keys = {fold(member.slug.replace("-", " ")), *(fold(n) for n in (member.name, *member.aliases))}
    return any(key and key in words for key in keys)
