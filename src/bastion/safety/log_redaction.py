"""A logging filter that removes secrets from every record before any handler writes it."""

from __future__ import annotations

import logging

from bastion.safety.findings import Finding, LeakAction
from bastion.safety.leak_detector import LeakDetector, redact_spans

__all__ = ["RedactingFilter", "install_log_redaction"]


def _redact_all(detector: LeakDetector, text: str) -> str:
    scan = detector.scan(text)
    if not scan.findings:
        return text
    # In a log even a warn-level match is removed: logs are kept and shared.
    forced = [
        Finding(f.rule, f.severity, LeakAction.REDACT, f.start, f.end, f.preview)
        for f in scan.findings
    ]
    return redact_spans(text, forced)


class RedactingFilter(logging.Filter):
    """Formats the message with its args, redacts it, and drops the args.

    The exception text is rendered and redacted here too, so a secret in a traceback (an
    argument in a failing URL, say) is gone before a formatter sees it.
    """

    def __init__(self, detector: LeakDetector) -> None:
        super().__init__()
        self._detector = detector
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = f"{record.msg} {record.args!r}"
        record.msg = _redact_all(self._detector, message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _redact_all(self._detector, record.exc_text)
        if record.stack_info:
            record.stack_info = _redact_all(self._detector, record.stack_info)
        return True


def install_log_redaction(
    detector: LeakDetector, logger: logging.Logger | None = None
) -> RedactingFilter:
    """Attach one filter to every handler of ``logger`` (the root logger by default), in
    place of one an earlier call attached (a process that builds a runtime again, as tests do,
    would otherwise pile them up, each holding its detector and secrets).

    Handler filters see records from every child logger; a filter on the logger itself would
    only see records logged directly to it.
    """
    target = logger or logging.getLogger()
    redacting = RedactingFilter(detector)
    for handler in target.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(redacting)
    return redacting
