"""`ipstat links`: the portal's secret access links, one per member and one for the secretariat.

A link is `<base>/nop/<token>` (a member's) or `<base>/thu-ky/<token>` (the secretariat's). The
secretariat's token is random (256 bits, `secrets`); a member's is an HMAC of its name under the
secretariat's token, so that the secretariat's own link can make each member's again (its
letters carry them) while nobody else can. Only the SHA-256 of every token is kept, in the
inbox's ledger: a link can be shown only when it is made, or from the secretariat's link, and a
copied ledger opens no portal. Asking again for the links of a year that has them is refused;
`rotate` replaces them all (the old ones stop).
"""

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from ipstat.base.errors import InputError
from ipstat.bloc.ledger import Link, open_ledger, read_ledger
from ipstat.contract.model import Contract
from ipstat.outputs.atomic import write_atomic, write_text_atomic
from ipstat.outputs.word import write_word

DEFAULT_BASE_URL = "http://127.0.0.1:8765"
MEMBER_PATH = "/nop/"
SECRETARIAT_PATH = "/thu-ky/"
TOKEN_BYTES = 32


@dataclass(frozen=True)
class IssuedLinks:
    year: int
    secretariat: str
    members: dict[str, str]  # member → its link, in bloc order

    def as_dict(self) -> dict[str, object]:
        return {"year": self.year, "secretariat": self.secretariat, "members": self.members}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def portal_year(inbox: Path, year: int | None) -> int:
    """The year the portal serves: as given, else the only year with links in the inbox's
    ledger, else the inbox folder's own name (`nhan-ve/2017`)."""
    if year is not None:
        return year
    ledger = read_ledger(inbox) if inbox.is_dir() else None
    years = sorted({link.year for link in ledger.links}) if ledger else []
    if len(years) == 1:
        return years[0]
    if re.fullmatch(r"(19|20)\d\d", inbox.name):
        return int(inbox.name)
    raise InputError(
        f"Không biết cổng tiếp nhận phục vụ năm nào (thư mục {inbox.name}); hãy chọn năm bằng "
        "--year."
    )


def issue_links(
    inbox: Path,
    contract: Contract,
    *,
    year: int,
    base_url: str = DEFAULT_BASE_URL,
    rotate: bool = False,
    now: dt.datetime | None = None,
) -> IssuedLinks:
    """New links for the year, recorded (as hashes) in one transaction of the ledger."""
    if not inbox.is_dir():
        raise InputError(f"Không tìm thấy thư mục nhận báo cáo: {inbox}")
    base = _base(base_url)
    now = (now or dt.datetime.now()).replace(microsecond=0)
    with open_ledger(inbox) as ledger:
        if not rotate and any(link.year == year for link in ledger.links):
            raise InputError(
                f"Năm {year} đã có đường dẫn truy cập; vì chỉ lưu mã băm, đường dẫn chỉ hiện một "
                "lần khi được tạo. Hãy chạy lại với --rotate để tạo bộ đường dẫn mới (các đường "
                "dẫn cũ sẽ ngừng hoạt động và phải gửi lại cho các thành viên)."
            )
        made: list[Link] = []
        members: dict[str, str] = {}
        secretariat = secrets.token_urlsafe(TOKEN_BYTES)
        made.append(Link(token_hash(secretariat), year, None, now))
        for member in contract.bloc.members:
            token = member_token(secretariat, year, member.name)
            made.append(Link(token_hash(token), year, member.name, now))
            members[member.name] = f"{base}{MEMBER_PATH}{token}"
        ledger.replace_links(year, made)
    return IssuedLinks(year, f"{base}{SECRETARIAT_PATH}{secretariat}", members)


def member_token(secretariat: str, year: int, member: str) -> str:
    """A member's token, from the secretariat's: 256 bits no one can make without it."""
    key = secretariat.encode("utf-8", "surrogatepass")
    digest = hmac.new(key, f"{year}\n{member}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def member_links(inbox: Path, secretariat: str, year: int, base_url: str) -> dict[str, str]:
    """Each member's link made again from the secretariat's token, for the members whose link
    is the ledger's (none after a rotation made with another secretariat token)."""
    ledger = read_ledger(inbox)
    hashes = {link.token_sha256: link for link in ledger.links} if ledger else {}
    base = _base(base_url)
    found: dict[str, str] = {}
    for link in hashes.values():
        if link.year != year or link.member is None:
            continue
        token = member_token(secretariat, year, link.member)
        if token_hash(token) in hashes:
            found[link.member] = f"{base}{MEMBER_PATH}{token}"
    return found


def _base(url: str) -> str:
    base = url.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base):
        raise InputError(
            f"Địa chỉ gốc “{url}” không hợp lệ; hãy ghi dạng http://192.168.1.10:8765 hoặc "
            "https://ten-may.vn."
        )
    return base


def has_links(inbox: Path, year: int) -> bool:
    ledger = read_ledger(inbox)
    return ledger is not None and any(link.year == year for link in ledger.links)


def find_link(inbox: Path, token: str) -> Link | None:
    """The link whose token this is, or None (unknown, rotated, or no ledger)."""
    if not token or len(token) > 200:
        return None
    ledger = read_ledger(inbox)
    if ledger is None:
        return None
    wanted = token_hash(token)
    found = [link for link in ledger.links if secrets.compare_digest(link.token_sha256, wanted)]
    return found[0] if found else None


def links_text(links: IssuedLinks, bloc: str) -> str:
    """The links as Markdown, for the clerk to send each member its own."""
    lines = [
        f"# Đường dẫn nộp báo cáo năm {links.year} — {bloc}",
        "",
        "Mỗi đường dẫn là bí mật của một đơn vị: chỉ gửi cho đúng đơn vị đó.",
        "",
        f"**Văn phòng (thư ký) Khối:** <{links.secretariat}>",
        "",
        "| Thành viên | Đường dẫn nộp báo cáo |",
        "|---|---|",
    ]
    lines += [f"| {member} | <{url}> |" for member, url in links.members.items()]
    return "\n".join(lines) + "\n"


def write_links(links: IssuedLinks, bloc: str, path: Path) -> Path:
    """`-o FILE`: the links as `.md` or `.docx`."""
    text = links_text(links, bloc)
    suffix = path.suffix.lower()
    if suffix == ".md":
        write_text_atomic(path, text)
    elif suffix == ".docx":
        write_atomic(path, lambda target: write_word(target, text))
    else:
        raise InputError(f"Tệp {path.name}: chỉ ghi được đường dẫn ra tệp .md hoặc .docx.")
    return path
