"""Finnish personal identity codes (henkilötunnus, HETU).

This is the only module that interprets a raw identity code. Validation is python-stdnum's
(``stdnum.fi.hetu``), which knows the century signs of the 2023 reform (``Y X W V U`` for the
1900s, ``B C D E F`` for the 2000s). Codes with an individual number 900–999 are temporary codes,
accepted only where the contract allows them. Anything shown to a person is masked: ``131052-****``.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum import exceptions as stdnum_exceptions
from stdnum.fi import hetu as stdnum_hetu

_CENTURIES = {"+": 1800}
_CENTURIES.update(dict.fromkeys("-YXWVU", 1900))
_CENTURIES.update(dict.fromkeys("ABCDEF", 2000))

_SHAPE = re.compile(r"^\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]$")


class InvalidIdentityCode(ValueError):
    """The value is not a valid identity code; the message says why (never the code itself)."""


class TemporaryIdentityCode(InvalidIdentityCode):
    """A temporary identity code (individual number 900–999) where none is accepted."""


def normalise(code: str) -> str:
    """Strip surrounding space and upper-case, as stdnum does."""
    return stdnum_hetu.compact(code)


def validate(code: str, *, allow_temporary: bool = False) -> str:
    """Return the normalised code, or raise :class:`InvalidIdentityCode` saying what is wrong."""
    value = normalise(code)
    try:
        return stdnum_hetu.validate(value, allow_temporary=allow_temporary)
    except stdnum_exceptions.InvalidChecksum:
        raise InvalidIdentityCode("the check character does not match") from None
    except stdnum_exceptions.InvalidFormat:
        raise InvalidIdentityCode(
            "not an identity code of the form DDMMYY, century sign, 3 digits, check character"
        ) from None
    except stdnum_exceptions.InvalidComponent:
        if _SHAPE.match(value) and 900 <= int(value[7:10]) <= 999 and not allow_temporary:
            raise TemporaryIdentityCode(
                "a temporary identity code (individual number 900–999), which this contract "
                "does not accept"
            ) from None
        if _SHAPE.match(value) and int(value[7:10]) < 2:
            raise InvalidIdentityCode("the individual number must be 002 or more") from None
        raise InvalidIdentityCode("the birth date in the code is not a real date") from None
    except stdnum_exceptions.ValidationError:
        raise InvalidIdentityCode("not a valid identity code") from None


def is_valid(code: str, *, allow_temporary: bool = False) -> bool:
    try:
        validate(code, allow_temporary=allow_temporary)
    except InvalidIdentityCode:
        return False
    return True


def birth_date(code: str) -> date:
    """The birth date a (valid) identity code encodes."""
    value = normalise(code)
    century = _CENTURIES[value[6]]
    return date(century + int(value[4:6]), int(value[2:4]), int(value[0:2]))


def mask(value: str) -> str:
    """A display form that hides the individual part: ``131052-308T`` becomes ``131052-****``.

    Anything that does not look like a code at all is masked whole except its first characters,
    so that a mistyped code never appears in a message either.
    """
    text = value.strip()
    if len(text) >= 7 and text[:6].isdigit():
        return text[:7] + "****"
    if not text:
        return ""
    return text[:2] + "*" * max(len(text) - 2, 2)


def make(birth: date, individual: int, *, new_century_signs: bool = False) -> str:
    """Build a valid identity code (for synthetic data).

    ``new_century_signs`` uses the signs introduced in 2023 (``Y`` and ``B``) instead of
    ``-`` and ``A``.
    """
    if not 2 <= individual <= 999:
        raise ValueError("the individual number must be 2–999")
    if birth.year >= 2000:
        sign = "B" if new_century_signs else "A"
    elif birth.year >= 1900:
        sign = "Y" if new_century_signs else "-"
    else:
        sign = "+"
    digits = f"{birth.day:02d}{birth.month:02d}{birth.year % 100:02d}{individual:03d}"
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]
    return f"{digits[:6]}{sign}{digits[6:]}{check}"
