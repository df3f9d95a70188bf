"""Identity codes kept out of what the web application writes: URL paths shown back in pages or
written to the audit log, and every log line (a code typed into an address would otherwise reach
Django's "Not Found: /families/…" lines)."""

from __future__ import annotations

import logging
import re

from sibyl.identity import mask
from sibyl.register.reader import displayable

# What could be an identity code, with its check character (DDMMYY, a century sign, NNN, C).
_CODE_LIKE = re.compile(r"\d{6}\s*[-+A-Za-z]\s*\d{3}[0-9A-Za-z]?")


def masked_path(path: str) -> str:
    """A URL path with each segment that looks like an identity code masked."""
    return "/".join(displayable(segment) for segment in path.split("/"))


def masked_text(text: str) -> str:
    """``text`` with everything that looks like an identity code masked (``131052-****``)."""
    return _CODE_LIKE.sub(lambda match: mask(match.group(0)), text)


class MaskIdentityCodes(logging.Filter):
    """A logging filter: the record's message with identity codes masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = masked_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
