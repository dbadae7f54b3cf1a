"""Errors a user can cause; each becomes a finding or a clear message, never a traceback."""


class IpstatError(Exception):
    """Base of every error ipstat expects a user to be able to cause."""


class WorkbookError(IpstatError):
    """This workbook cannot be read; the message (Vietnamese) says why and what to do."""


class InputError(IpstatError):
    """The command was given something unusable: no such path, no workbook in a folder."""
