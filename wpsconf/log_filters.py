"""Log filters: personal data never reaches the logs."""

import logging
import re

# /my/<token>/ is the key to a person's registration, /delegation/<token>/ to a focal point's page;
# logged, either would open it to anyone reading the logs: also percent-encoded (in a `next=`
# parameter), and with doubled slashes.
PERSONAL_LINK = re.compile(r"((?:/|%2F)(?:my|delegation)(?:/|%2F)+)[^/\s?\"'%&]+", re.IGNORECASE)
# The query string of a request line in an access log: an admin search (`?q=`) holds names
# and addresses.
QUERY_IN_REQUEST_LINE = re.compile(r'("[A-Z]+ [^ "?]*\?)[^ "]+')


def redact(value):
    if not isinstance(value, str):
        return value
    return QUERY_IN_REQUEST_LINE.sub(r"\1[redacted]", PERSONAL_LINK.sub(r"\1[redacted]", value))


class RedactPersonalLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: redact(arg) for key, arg in record.args.items()}
        return True
