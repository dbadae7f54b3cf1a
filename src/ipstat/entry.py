"""The `ipstat` command: the command line's modules imported with the collector paused, then run."""

from ipstat.imports import collector_paused


def main() -> None:
    with collector_paused():
        from ipstat import cli  # noqa: PLC0415
    cli.main()
