"""The screening's evidence in the page's language.

:mod:`sibyl.eligibility` (library code: no Django, so no gettext) writes the evidence of each
criterion as an English sentence, and the store keeps that sentence with the referral's
decision. This module reads the sentence back, with one pattern per criterion exactly as
``eligibility.py`` writes it, and says it again in the page's language: dates in the language's
format, the referral's flags, sources and the contract's services by their translated names. A
sentence it does not recognise (a decision stored by an older wording) is shown as it is, and an
English page shows the library's own sentence. ``tests/web/test_translations.py`` screens
referrals with the library itself and checks that every sentence it writes is recognised, so a
change of wording there fails a test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from sibyl.contract import Contract
from sibyl.web.cohort import labels
from sibyl.web.ui.contracts import localised

WORDS = {
    "concentration": gettext_lazy("concentration"),
    "behaviour": gettext_lazy("behaviour"),
    "social interaction": gettext_lazy("social interaction"),
    "emotional life": gettext_lazy("emotional life"),
    "parent no education": gettext_lazy("a parent without education beyond basic school"),
    "parent out of work": gettext_lazy("a parent out of working life"),
    "parenting difficulties": gettext_lazy("difficulties in parenting"),
    "stressful life situation": gettext_lazy("a stressful life situation"),
    "early childhood education": gettext_lazy("early childhood education"),
    "child health clinic": gettext_lazy("child health clinic"),
    "other": labels.SOURCES["other"],
    "none": gettext_lazy("none"),
}
"""The names ``eligibility._words`` writes (a code with spaces for underscores), translated."""

DAY = r"(\d{4}-\d{2}-\d{2})"


def _day(text: str) -> str:
    return formats.date_format(date.fromisoformat(text), "SHORT_DATE_FORMAT")


def _words(text: str) -> str:
    return ", ".join(str(WORDS.get(word, word)) for word in text.split(", "))


def _age(match: re.Match, contract: Contract) -> str:
    years = int(match[1])
    return ngettext(
        "%(years)s year old on %(day)s; the contract accepts children of at least %(low)s and "
        "under %(high)s years",
        "%(years)s years old on %(day)s; the contract accepts children of at least %(low)s and "
        "under %(high)s years",
        years,
    ) % {"years": years, "day": _day(match[2]), "low": match[3], "high": match[4]}


def _difficulties(match: re.Match, contract: Contract) -> str:
    count = int(match[1])
    return ngettext(
        "%(count)s difficulty (%(names)s); at least %(needed)s needed",
        "%(count)s difficulties (%(names)s); at least %(needed)s needed",
        count,
    ) % {"count": count, "names": _words(match[2]), "needed": match[3]}


def _one_of(match: re.Match, contract: Contract) -> str:
    return _("%(present)s; one of %(options)s needed") % {
        "present": _words(match[1]),
        "options": _words(match[2]),
    }


def _district(match: re.Match, contract: Contract) -> str:
    district = match[1]
    return _("district %(district)s; the contract's districts: %(districts)s") % {
        "district": _("(none given)") if district == "(none given)" else district,
        "districts": match[2],
    }


def _source(match: re.Match, contract: Contract) -> str:
    return _("referred by %(source)s; the contract accepts %(sources)s") % {
        "source": _words(match[1]),
        "sources": _words(match[2]),
    }


def _service_names(text: str, contract: Contract) -> str:
    """``1 (Placed outside the home…); 5 (…)``: each service by its name in the language."""
    shown = []
    for item in text.split("; "):
        code = re.match(r"(\d+) \(", item)
        service = contract.services.get(int(code[1])) if code else None
        shown.append(f"{code[1]} ({localised(service.name)})" if service else item)
    return "; ".join(shown)


def _ongoing(match: re.Match, contract: Contract) -> str:
    return _("ongoing corrective services: %(services)s") % {
        "services": _service_names(match[1], contract)
    }


def _none_ongoing(match: re.Match, contract: Contract) -> str:
    if match[2]:
        return _(
            "no ongoing episode of services %(codes)s (ongoing %(others)s, which does not count)"
        ) % {"codes": match[1], "others": match[2]}
    return _("no ongoing episode of services %(codes)s") % {"codes": match[1]}


def _window(match: re.Match, contract: Contract) -> str:
    return _("referred on %(day)s; the enrolment window is %(start)s to %(end)s") % {
        "day": _day(match[1]),
        "start": _day(match[2]),
        "end": _day(match[3]),
    }


Reader = Callable[[re.Match, Contract], str]

PATTERNS: dict[str, list[tuple[re.Pattern, Reader]]] = {
    "age": [
        (
            re.compile(
                rf"(\d+) years old on {DAY}; the contract accepts children of at least (\d+) "
                r"and under (\d+) years"
            ),
            _age,
        )
    ],
    "difficulties": [
        (re.compile(r"(\d+) difficulties \((.*)\); at least (\d+) needed"), _difficulties)
    ],
    "parent_situation": [(re.compile(r"(.*); one of (.*) needed"), _one_of)],
    "family_situation": [(re.compile(r"(.*); one of (.*) needed"), _one_of)],
    "district": [(re.compile(r"district (.*); the contract's districts: (.*)"), _district)],
    "referral_source": [(re.compile(r"referred by (.*); the contract accepts (.*)"), _source)],
    "ongoing_services": [
        (re.compile(r"ongoing corrective services: (.*)"), _ongoing),
        (
            re.compile(
                r"no ongoing episode of services (.*?)(?: \(ongoing (.*), which does not count\))?"
            ),
            _none_ongoing,
        ),
    ],
    "enrolment_window": [
        (re.compile(rf"referred on {DAY}; the enrolment window is {DAY} to {DAY}"), _window)
    ],
}
"""Per criterion code, the sentences ``sibyl.eligibility`` writes and how to say them again."""


def recognised(code: str, text: str) -> re.Match | None:
    """The match of ``text`` against the criterion's sentences, or None."""
    for pattern, _reader in PATTERNS.get(code, []):
        if match := pattern.fullmatch(text):
            return match
    return None


def in_language(code: str, text: str, contract: Contract) -> str:
    """The evidence of criterion ``code`` in the page's language: as written on an English page
    (the library's own language) and when unrecognised."""
    if not (get_language() or "en").startswith(("fi", "sv")):
        return text
    for pattern, reader in PATTERNS.get(code, []):
        if match := pattern.fullmatch(text):
            try:
                return reader(match, contract)
            except (ValueError, KeyError):  # a date or number that is not one: show it as it is
                return text
    return text
