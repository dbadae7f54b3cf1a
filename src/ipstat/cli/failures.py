"""What a command says when it ends other than by its own hand: stopped with Ctrl-C, or an
error no part of ipstat expected. Never a traceback: workbooks hold personal data, and a clerk
cannot act on one."""

import os

from ipstat.base.errors import os_error_text
from ipstat.base.visible import visible
from ipstat.outputs.atomic import StoppedAfterWriting

# Commands whose outputs are replaced all together or not at all (outputs/atomic.py).
ALL_OR_NONE = frozenset({"aggregate", "score", "history", "report", "template"})
UNEXPECTED_STATUS = 70  # EX_SOFTWARE: ipstat's fault, not the user's


def stopped(command: str | None, exc: KeyboardInterrupt) -> str:
    """What Ctrl-C left: for the commands that replace their outputs together, whether they
    were replaced."""
    if isinstance(exc, StoppedAfterWriting):
        names = ", ".join(visible(str(path)) for path in exc.written)
        return f"ipstat: đã dừng, sau khi đã ghi xong: {names}."
    if command in ALL_OR_NONE:
        return "ipstat: đã dừng; không tệp nào bị thay."
    return "ipstat: đã dừng."


def unexpected(exc: Exception) -> tuple[str | None, int]:
    """The message and exit status for an error that reached the command line; None (show the
    traceback) only when `IPSTAT_DEBUG` asks for it. A system error names its file."""
    if os.environ.get("IPSTAT_DEBUG"):
        return None, 1
    if isinstance(exc, OSError):
        name = exc.filename
        where = f"{visible(os.fsdecode(name))}: " if isinstance(name, str | bytes) else ""
        return f"ipstat: {where}{os_error_text(exc)}.", 2
    return (
        f"ipstat: lỗi ngoài dự kiến của chương trình ({type(exc).__name__}). Hãy báo cho người "
        "bảo trì ipstat, kèm lệnh đã chạy (đặt biến môi trường IPSTAT_DEBUG=1 để xem chi tiết).",
        UNEXPECTED_STATUS,
    )
