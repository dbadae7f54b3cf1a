"""Which member a workbook's `tinh` names: `TP. Hà Nội`, `HA NOI`, `Thanh pho Ha Noi` agree."""

import difflib
import re
import unicodedata
import weakref
from dataclasses import dataclass, field

from ipstat.base.text import fold, strip_marks
from ipstat.base.visible import visible
from ipstat.contract.blocs import Bloc, Member

# A character as `visible` shows it in a workbook (`<U+202E>`): a name ipstat wrote into a form
# or the scoring workbook matches the member, as the character itself would.
SHOWN_CHARACTER = re.compile(r"<U\+[0-9A-F]{4,6}>")


def member_key(name: str, prefixes: tuple[str, ...]) -> str:
    """A name folded for matching, with an administrative prefix (`tỉnh`, `TP.`) removed."""
    text = strip_marks(SHOWN_CHARACTER.sub(" ", name)).casefold().strip()
    for prefix in sorted((strip_marks(p).casefold() for p in prefixes), key=len, reverse=True):
        if re.match(re.escape(prefix) + r"(?:\s|\.|$)", text) or (
            prefix.endswith(".") and text.startswith(prefix)
        ):
            text = text[len(prefix) :]
            break
    return fold(re.sub(r"[^\w\s]", " ", text))


@dataclass(frozen=True)
class MemberIndex:
    """A bloc's names by folded key, built once: looking up a name costs one key, not the bloc."""

    members: dict[str, Member] = field(default_factory=dict)
    former: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (old name, member)
    names: dict[str, str] = field(default_factory=dict)  # key of a member's own name → name

    @classmethod
    def build(cls, bloc: Bloc, prefixes: tuple[str, ...]) -> "MemberIndex":
        index = cls()
        for member in bloc.members:
            own = member_key(member.name, prefixes)
            index.names.setdefault(own, member.name)
            index.members.setdefault(own, member)
            for alias in member.aliases:
                index.members.setdefault(member_key(alias, prefixes), member)
        merged = [(old, new) for old, new in bloc.predecessors.items() if old != new]
        merged += [(old, m.name) for m in bloc.members for old in m.absorbed]
        for old, new in merged:
            index.former.setdefault(member_key(old, prefixes), (old, new))
        return index


_INDEXES: dict[int, tuple["weakref.ref[Bloc]", tuple[str, ...], MemberIndex]] = {}


def member_index(bloc: Bloc, prefixes: tuple[str, ...]) -> MemberIndex:
    """The bloc's index, built on first use and kept as long as the bloc lives."""
    cached = _INDEXES.get(id(bloc))
    if cached is not None and cached[0]() is bloc and cached[1] == prefixes:
        return cached[2]
    key = id(bloc)
    index = MemberIndex.build(bloc, prefixes)
    _INDEXES[key] = (weakref.ref(bloc, lambda _: _INDEXES.pop(key, None)), prefixes, index)
    return index


def match_member(name: str, bloc: Bloc, prefixes: tuple[str, ...]) -> Member | None:
    return member_index(bloc, prefixes).members.get(member_key(name, prefixes))


def is_exact_name(name: str, member: Member) -> bool:
    """Written exactly as the bloc writes it (up to Unicode form and outer spaces)."""
    return unicodedata.normalize("NFC", name.strip()) == member.name


def former_member(name: str, bloc: Bloc, prefixes: tuple[str, ...]) -> tuple[str, str] | None:
    """A unit merged into a member, by its proper name, and that member: (`Hải Dương`,
    `Hải Phòng`) in 2025, whether the former member of the bloc or a unit absorbed from outside."""
    return member_index(bloc, prefixes).former.get(member_key(name, prefixes))


def closest_member(name: str, bloc: Bloc, prefixes: tuple[str, ...]) -> str | None:
    keys = member_index(bloc, prefixes).names
    found = difflib.get_close_matches(member_key(name, prefixes), list(keys), n=1, cutoff=0.6)
    return keys[found[0]] if found else None


def not_a_member(name: str, bloc: Bloc, prefixes: tuple[str, ...]) -> str:
    """`“Lào Cai” không phải là thành viên của Khối …. Có phải là …? Các thành viên: …`: the
    same sentence wherever a name is given, a workbook's cell or the command line."""
    merged = former_member(name, bloc, prefixes)
    if merged is not None:
        old, merged_into = merged
        hint = f" {old} nay thuộc {merged_into}: hãy ghi “{merged_into}”."
    else:
        guess = closest_member(name, bloc, prefixes)
        hint = f" Có phải là “{guess}”?" if guess else ""
    return (
        f"“{visible(name)}” không phải là thành viên của {bloc.name}.{hint} "
        f"Các thành viên: {', '.join(bloc.names)}."
    )


def named_in(member: Member, file_name: str) -> bool:
    """Whether a file name names the member: its slug or a folded name (`bao-cao-ha-noi.xls`,
    `Báo cáo Hà Nội.xlsm`). A hint for the clerk, not a match."""
    words = fold(re.sub(r"[\W_]+", " ", strip_marks(file_name)))
    keys = {fold(member.slug.replace("-", " ")), *(fold(n) for n in (member.name, *member.aliases))}
    return any(key and key in words for key in keys)
