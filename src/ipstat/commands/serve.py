"""`ipstat serve`: the desk the portal serves, made from the command line's options, and the
warning for an address beyond this machine (intake-portal.md §1)."""

import datetime as dt
import ipaddress
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.base.errors import InputError
from ipstat.base.periods import YEARLY
from ipstat.bloc.compare import read_last_year
from ipstat.commands.intake import Desk
from ipstat.commands.links import portal_year
from ipstat.contract.model import Contract

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
PLAIN_HTTP_WARNING = (
    "Cảnh báo: cổng tiếp nhận đang mở cho các máy khác trong mạng ({host}). Cổng chỉ dùng HTTP "
    "thường, không mã hóa: chỉ dùng trong mạng nội bộ của văn phòng; muốn mở ra ngoài văn phòng "
    "phải đặt sau một máy chủ chuyển tiếp có HTTPS (reverse proxy)."
)


def open_desk(
    inbox: Path,
    contract: Contract,
    *,
    year: int | None = None,
    period: str = YEARLY,
    deadline: dt.date | None = None,
    previous: Path | None = None,
    scoring: "ScoringTable | None" = None,
) -> Desk:
    """The desk of `inbox`: its year (as given, else the links', else the folder's name), last
    year's figures read once, and the outputs' folder as `aggregate` would choose it."""
    if not inbox.is_dir():
        raise InputError(f"Không tìm thấy thư mục nhận báo cáo: {inbox}")
    year = portal_year(inbox, year)
    last_year = read_last_year(previous, contract, period) if previous else None
    out = (Path("ket-qua") / str(year)).resolve()
    return Desk(
        inbox.resolve(), contract, year, period, deadline, previous, last_year, scoring, out
    )


def beyond_this_machine(host: str) -> bool:
    """Any address but the loopback: other machines may reach the portal."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
