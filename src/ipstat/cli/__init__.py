"""The command line: parse arguments, call one library function, turn its result into output.

The commands are declared in `checking.py`, `publishing.py`, `emulating.py` and `portal.py`, and
registered here on the group of `app.py`, in the order `ipstat --help` lists them.
"""

import gc
import io
import sys

from ipstat.cli.app import app
from ipstat.cli.checking import status, validate
from ipstat.cli.emulating import pact, score, template
from ipstat.cli.portal import links, serve
from ipstat.cli.publishing import aggregate, history, report, schema

# In the order of the bloc's year, as `ipstat --help` lists them.
for command in (
    template,
    pact,
    validate,
    status,
    aggregate,
    report,
    score,
    history,
    schema,
    links,
    serve,
):
    app.command()(command)

__all__ = ["app", "main"]


def main() -> None:
    # The modules imported so far live as long as the process: moved out of the collector's
    # sight, they are not rescanned, while garbage is still collected at the usual pace (higher
    # thresholds kept it: `validate` grew to 103 MiB on 5,000 files, and was slower).
    gc.freeze()
    _reconfigure_streams()
    app()


def _reconfigure_streams() -> None:
    """Never a UnicodeEncodeError on output: redirected output is written in UTF-8 whatever the
    console's code page (cp1252, cp1258), and a console that cannot show a character shows
    `?` instead."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            if stream.isatty():
                stream.reconfigure(errors="replace")
            else:
                stream.reconfigure(encoding="utf-8", errors="replace")
