"""The frames of the bloc's documents, from data only: who signs and where (the bloc file's
`[[terms]]`), the kinds' names, codes, subjects and recipients (`documents.toml`), the legal
bases in force on the document's date (`legal.toml`). What is doubtful in them (an inferred
term, a citation not yet checked) is a finding for the run to say, never a word in the
document."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ipstat.base.errors import InputError
from ipstat.base.findings import Finding
from ipstat.base.formatting import date_words
from ipstat.base.periods import YEARLY
from ipstat.contract.blocs import Term
from ipstat.contract.legal import LegalTexts, load_legal
from ipstat.contract.model import Contract
from ipstat.contract.paperwork import Paperwork, load_paperwork, words
from ipstat.outputs.administrative import Frame, Signature


def number_line(kind_code: str, bloc_code: str) -> str:
    """`Số:      /TTr-KTĐ`: the number itself is the văn thư's, left blank."""
    code = f"{kind_code}-{bloc_code}" if kind_code else bloc_code
    return f"Số:{' ' * 6}/{code}"


def date_line(place: str, day: dt.date) -> str:
    """`Hà Nam, ngày 05 tháng 01 năm 2018` (Nghị định 30/2020/NĐ-CP)."""
    return f"{place}, {date_words(day)}"


def term_of(contract: Contract, year: int) -> Term:
    """The year's Khối trưởng; a year without one is an error naming the file to edit."""
    term = contract.bloc.term(year)
    if term is None:
        where = contract.bloc_file or f"tệp của {contract.bloc.name}"
        raise InputError(
            f"Tệp {where} chưa ghi Khối trưởng năm {year}: hãy thêm một dòng [[terms]] với "
            f'year = {year}, leader = "<Khối trưởng>", deputy = "<Khối phó>", place = '
            '"<địa danh>", rồi chạy lại.'
        )
    return term


@dataclass
class Paper:
    """What the documents of one run are made from, and what the run must say about them."""

    contract: Contract
    year: int
    day: dt.date
    paperwork: Paperwork
    legal: LegalTexts
    term: Term
    period: str = YEARLY  # the year, or its first six months: what the report's subject says
    notices: list[Finding] = field(default_factory=list)

    @property
    def leader_board(self) -> str:
        return self.contract.bloc.member(self.term.leader).board_name

    def frame(self, kind: str, authority: str = "") -> Frame:
        """A document of the bloc, signed by the Khối trưởng on its behalf."""
        spec = self.paperwork.kinds[kind]
        bloc = self.contract.bloc
        return Frame(
            issuer=bloc.heading,
            number=number_line(spec.code, bloc.code) if spec.code else None,
            place_date=date_line(self.term.place, self.day),
            kind=spec.name,
            subject=words(spec.subject, self.year, authority, self.period),
            to=tuple(words(t, self.year, authority) for t in spec.to),
            signature=Signature(
                (self.paperwork.signing, self.paperwork.signer_title), board=self.leader_board
            ),
            recipients=self._recipients(spec.recipients, authority),
        )

    def member_signatures(self) -> tuple[Signature, ...]:
        """One per member board, in the bloc's order: the pact's grid."""
        title = self.paperwork.member_title
        return tuple(Signature((title,), board=m.board_name) for m in self.contract.bloc.members)

    def legal_bases(self) -> list[str]:
        """The `Căn cứ` of each text in force on the document's date; each unchecked one is
        said once in the run's notices."""
        cited = self.legal.in_force(self.day)
        told = {n.code for n in self.notices if n.rule == "unchecked-legal-text"}
        for text in cited:
            if not text.checked and text.number not in told:
                self.notices.append(
                    Finding(
                        file=self.legal.source,
                        rule="unchecked-legal-text",
                        severity=self.contract.severity("unchecked-legal-text"),
                        text=(
                            f"văn bản được trích dẫn chưa được kiểm tra với văn bản gốc (số, "
                            f"ngày ban hành, ngày hiệu lực): {text.citation}. Hãy kiểm tra, sửa "
                            "nếu cần, rồi ghi checked = true."
                        ),
                        code=text.number,
                    )
                )
        return [text.citation for text in cited]

    def _recipients(self, recipients: tuple[str, ...], authority: str) -> tuple[str, ...]:
        """A recipient naming the authority is left out when the table names none."""
        return tuple(
            words(r, self.year, authority) for r in recipients if authority or "{co_quan}" not in r
        )


def paper(
    contract: Contract, year: int, day: dt.date | None = None, period: str | None = None
) -> Paper:
    """The makings of the year's documents dated `day` (today by default), from the contract's
    own schemas folder; refused, naming the bloc file, when the year has no Khối trưởng."""
    term = term_of(contract, year)
    schemas = Path(contract.folder) if contract.folder else None
    made = Paper(
        contract,
        year,
        day or dt.date.today(),
        load_paperwork(schemas),
        load_legal(schemas),
        term,
        period or YEARLY,
    )
    if term.inferred:
        made.notices.append(
            Finding(
                file=contract.bloc_file,
                rule="inferred-term",
                severity=contract.severity("inferred-term"),
                text=(
                    f"Khối trưởng năm {year} ({term.leader}) được suy ra, chưa có biên bản bầu "
                    "xác nhận; văn bản vẫn ghi như vậy. Hãy kiểm tra rồi bỏ dòng inferred = true."
                ),
            )
        )
    return made
