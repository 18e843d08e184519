"""Keeping personal data out of every log: the application's (a logging filter) and the web
server's access log (a gunicorn logger class).

What is removed, wherever it appears in a log line or a logged traceback:
- anything that looks like an 11-digit identity number (``[fnr]``);
- query strings (``?q=Ødegård`` and every other parameter: search text, filters, names) are
  dropped from logged URLs (``?[…]``);
- one-time tokens: the path segment after ``/svar/`` (the survey link, the API's submission)
  and any path segment of 20 or more URL-safe characters that mixes letters and digits
  (``[token]``).
Names are never written to a log by our code; where a name could travel (search text, a URL), the
rules above take it out with the query string.
"""

from __future__ import annotations

import logging
import re

try:  # the web server's logger; gunicorn is a dependency, but the filter must work without it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object

_FNR = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")
_QUERY = re.compile(r"\?[^\s\"'<>]*")
_SVAR_TOKEN = re.compile(r"(/svar/)(?!start/)[^/\s\"'?#<>]+")
_LONG_SEGMENT = re.compile(r"(?<=/)(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}(?=[/\s\"'?#]|$)")
_URL_ENCODED_FNR = re.compile(r"(?<![0-9])(?:\d(?:%20|\+)?){11}(?![0-9])")


def redact(text: str) -> str:
    """``text`` with identity numbers, query strings and tokens taken out."""
    if not text:
        return text
    text = _QUERY.sub("?[…]", text)
    text = _SVAR_TOKEN.sub(r"\1[token]", text)
    text = _LONG_SEGMENT.sub("[token]", text)
    text = _FNR.sub("[fnr]", text)
    return _URL_ENCODED_FNR.sub("[fnr]", text)


class RedactPersonalData(logging.Filter):
    """On every handler: the message and any traceback, redacted (``redact``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # pragma: no cover - a broken format string must not stop logging
            return True
        red = redact(msg)
        if red != msg:
            record.msg, record.args = red, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger with every access-log atom redacted: the request line and the path
    without query string or tokens, the query string empty, the referer and any header or
    environment atom through ``redact``. Set in gunicorn.conf.py (``logger_class``), so ``make
    run`` and the benchmark's server use it whatever access-log format is chosen."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in [*self.error_log.handlers, *self.access_log.handlers]:
            handler.addFilter(RedactPersonalData())  # tracebacks too

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact(environ.get("PATH_INFO") or "")
        atoms["U"] = path
        atoms["q"] = ""
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
        for key, value in list(atoms.items()):
            if key in ("U", "q", "r"):
                continue
            if isinstance(value, str):
                atoms[key] = redact(value)
            if key.endswith("}i") and key.lower() in ("{cookie}i", "{authorization}i", "{x-csrftoken}i"):
                atoms[key] = "[…]"
        return atoms

    # gunicorn's own messages (its debug log names every request's path): formatted, then redacted
    def critical(self, msg, *args, **kwargs):
        super().critical(_formatted(msg, args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(_formatted(msg, args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(_formatted(msg, args), **kwargs)

    def info(self, msg, *args, **kwargs):
        super().info(_formatted(msg, args), **kwargs)

    def debug(self, msg, *args, **kwargs):
        super().debug(_formatted(msg, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(_formatted(msg, args), **kwargs)

    def log(self, lvl, msg, *args, **kwargs):
        super().log(lvl, _formatted(msg, args), **kwargs)


def _formatted(msg, args) -> str:
    try:
        text = str(msg) % args if args else str(msg)
    except (TypeError, ValueError):
        text = " ".join([str(msg), *map(str, args)])
    return redact(text)
