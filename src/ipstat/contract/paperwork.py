"""The kinds of the bloc's documents (`schemas/documents.toml`): name, code, subject, whom each
is addressed to and copied to, and the titles of who signs. Data, so that a bloc words its own
documents without touching code; who signs each year is the bloc file's `[[terms]]`."""

import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from ipstat.base.periods import YEARLY, span
from ipstat.base.resources import data_dir
from ipstat.contract import cache as contract_cache
from ipstat.contract.checked import Checked, checked, parse_toml, read_schema

DOCUMENTS_FILE = "documents.toml"
PLACES = frozenset({"nam", "ky", "co_quan"})  # what `{…}` a text may hold
KINDS = ("bao-cao", "de-nghi-khen-thuong", "giao-uoc", "phieu-binh-xet", "bien-ban", "to-trinh")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@dataclass(frozen=True, kw_only=True)
class DocumentKind(Checked):
    name: str  # BÁO CÁO, TỜ TRÌNH …
    code: str  # in the number line; empty: no number
    subject: str
    to: tuple[str, ...] = ()  # Kính gửi
    recipients: tuple[str, ...] = ()  # Nơi nhận, without the leading `- ` or the closing `;`

    def __post_init__(self) -> None:
        for text in (self.subject, *self.to, *self.recipients):
            try:
                unknown = _placeholders(text) - PLACES
            except ValueError:
                unknown = {text}
            if unknown:
                raise ValueError(
                    f"“{text}”: chỉ dùng được {{nam}}, {{ky}} và {{co_quan}} (không có "
                    f"{', '.join(sorted(unknown))}); dấu ngoặc nhọn khác hãy viết đôi {{{{ }}}}"
                )
        if self.code and not re.fullmatch(r"[^\s/]+", self.code):
            raise ValueError(f"Mã “{self.code}” của {self.name}: không có dấu cách hay “/”")


@dataclass(frozen=True, kw_only=True)
class Paperwork(Checked):
    signing: str
    signer_title: str
    member_title: str
    kinds: dict[str, DocumentKind] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [kind for kind in KINDS if kind not in self.kinds]
        if missing:
            raise ValueError(f"Thiếu loại văn bản: {', '.join(missing)}")


def words(text: str, year: int, authority: str, period: str = YEARLY) -> str:
    """A text of the file with its year (`{nam}`), its period (`{ky}`: `năm 2016`, `6 tháng
    đầu năm 2016`) and authority; an empty authority leaves a blank."""
    return text.format(nam=year, ky=span(period, year), co_quan=authority or "……………")


def load_paperwork(schemas: Path | None = None) -> Paperwork:
    path = (schemas or data_dir("schemas")) / DOCUMENTS_FILE
    content = read_schema(path)
    key = contract_cache.key([content], Path(__file__))
    found = contract_cache.get(key, Paperwork)
    if found is None:
        found = checked(Paperwork, parse_toml(path, content), f"Tệp văn bản {path}")
        contract_cache.put(key, found)
    return found
