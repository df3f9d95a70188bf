"""Fixed synthetic keys and codes for the identity tests. Nothing here is a real key or person."""

from __future__ import annotations

import base64
from datetime import date

from sibyl import identity

# 32 bytes 0x00..0x1f: a fixed pseudonym key, so expected values can be worked out by hand.
FIXED_PSEUDONYM_KEY = bytes(range(32))
# A Fernet key is url-safe base64 of 32 bytes; these are 0x20..0x3f and 0x40..0x5f.
FIXED_VAULT_KEY = base64.urlsafe_b64encode(bytes(range(32, 64))).decode("ascii")
OLDER_VAULT_KEY = base64.urlsafe_b64encode(bytes(range(64, 96))).decode("ascii")

# Synthetic identity codes (sibyl.identity.make), old and 2023 century signs.
CHILD = identity.make(date(2018, 3, 14), 123)
SIBLING = identity.make(date(2020, 11, 2), 456, new_century_signs=True)
PARENT = identity.make(date(1987, 7, 30), 278)
