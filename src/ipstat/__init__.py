"""ipstat: check and add up the yearly figures of the industrial-zone boards of a bloc."""

__version__ = "0.1.0"
