"""The legal texts of the emulation regime (`schemas/legal.toml`), each with the dates it is in
force, so that a document cites the texts in force on its own date (the regime changed in 2024
and 2025), and says which of its citations are not yet checked against the texts."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ipstat.base.formatting import date_words
from ipstat.base.resources import data_dir
from ipstat.contract import cache as contract_cache
from ipstat.contract.checked import Checked, checked, parse_toml, read_schema

LEGAL_FILE = "legal.toml"


@dataclass(frozen=True, kw_only=True)
class LegalText(Checked):
    kind: str  # Luật, Nghị định, Thông tư …
    number: str  # 06/2022/QH15
    title: str
    issuer: str
    issued: dt.date
    in_force_from: dt.date
    in_force_to: dt.date | None = None  # the last day in force; None: still in force
    checked: bool = False  # its number and dates checked against the text itself

    def __post_init__(self) -> None:
        where = f"Văn bản {self.number}"
        if self.in_force_from < self.issued:
            raise ValueError(f"{where}: `in_force_from` trước ngày ban hành `issued`")
        if self.in_force_to is not None and self.in_force_to < self.in_force_from:
            raise ValueError(f"{where}: `in_force_to` trước `in_force_from`")

    def in_force(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)

    @property
    def citation(self) -> str:
        """What follows `Căn cứ`: a law by its title and date, any other text by its kind,
        number, date, issuer and title."""
        if self.kind == "Luật":
            return f"{self.title} {date_words(self.issued)}"
        return (
            f"{self.kind} số {self.number} {date_words(self.issued)} của {self.issuer} {self.title}"
        )


@dataclass(frozen=True, kw_only=True)
class LegalTexts(Checked):
    texts: tuple[LegalText, ...]
    source: str = ""  # the file, named by the warnings about its unchecked entries

    def in_force(self, day: dt.date) -> list[LegalText]:
        return [text for text in self.texts if text.in_force(day)]


def load_legal(schemas: Path | None = None) -> LegalTexts:
    path = (schemas or data_dir("schemas")) / LEGAL_FILE
    content = read_schema(path)
    key = contract_cache.key(
        [content, str(path).encode("utf-8", "surrogateescape")], Path(__file__)
    )
    texts = contract_cache.get(key, LegalTexts)
    if texts is None:
        raw = {**parse_toml(path, content), "source": str(path)}
        texts = checked(LegalTexts, raw, f"Danh mục văn bản pháp luật {path}")
        contract_cache.put(key, texts)
    return texts
