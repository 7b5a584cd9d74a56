"""Log filters: personal data never reaches the logs."""

import logging
import re

# /my/<token>/ is the key to a person's registration, /delegation/<token>/ to a focal point's page;
# logged, either would open it to anyone reading the logs.
PERSONAL_LINK = re.compile(r"(/(?:my|delegation)/)[^/\s?\"']+")


def redact(value):
    return PERSONAL_LINK.sub(r"\1[redacted]", value) if isinstance(value, str) else value


class RedactPersonalLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: redact(arg) for key, arg in record.args.items()}
        return True
