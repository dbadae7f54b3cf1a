"""The `ipstat` command: the command line's modules imported with the collector paused, run,
and the process ended without tearing its modules down one by one."""

import os
import sys

from ipstat.imports import collector_paused


def main() -> None:
    with collector_paused():
        from ipstat import cli  # noqa: PLC0415
    try:
        cli.main()
    except SystemExit as done:
        end(done.code)
    end(0)


def end(code: object) -> None:
    """Exit with `code` as `sys.exit` would, once the output is flushed, skipping the
    interpreter's clean-up (a tenth of `validate`'s time): every file ipstat writes is closed
    and in place before its command returns, and nothing of it is registered to run at exit."""
    status = code if isinstance(code, int) else 0 if code is None else 1
    if not isinstance(code, int | None):
        print(code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`), a full disk
            status = status or 1
    os._exit(status)
