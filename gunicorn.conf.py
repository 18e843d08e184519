"""gunicorn's configuration, read from the working directory by every ``gunicorn`` started here
(``make run``, the benchmark's load server). The logger class keeps identity numbers, names,
search text and tokens out of the access and error logs (skreddersy/core/logging.py); the
access-log format names the path only (``%(U)s``), never the raw request line or query string."""

logger_class = "skreddersy.core.logging.GunicornLogger"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(M)sms'
