"""The screening's evidence in the page's language.

:mod:`sibyl.eligibility` (library code: no Django, so no gettext) writes the evidence of each
criterion as an English sentence, and the store keeps that sentence with the referral's
decision. This module reads the sentence back, with one pattern per rule kind exactly as
``eligibility.py`` writes it (a criterion's rule kind is the contract's), and says it again in the
page's language: dates in the language's format, the referral's items by the contract's
questions, sources and the contract's services by their translated names. A sentence it does not
recognise (a decision stored by an older wording, or a criterion the contract no longer has) is
shown as it is, and an English page shows the library's own sentence.
``tests/web/test_translations.py`` screens referrals with the library itself and checks that every
sentence it writes is recognised, so a change of wording there fails a test.
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
    "early_childhood_education": gettext_lazy("early childhood education"),
    "child_health_clinic": gettext_lazy("child health clinic"),
    "child_protection": gettext_lazy("child protection"),
    "school": gettext_lazy("school"),
    "other": labels.SOURCES["other"],
    "none": gettext_lazy("none"),
}
"""The referral sources (by code) and "none", which ``eligibility._words`` writes as words (the
code with spaces for underscores), translated. A referral item is said by the contract's
question."""

DAY = r"(\d{4}-\d{2}-\d{2})"


def _day(text: str) -> str:
    return formats.date_format(date.fromisoformat(text), "SHORT_DATE_FORMAT")


def _spoken(code: str) -> str:
    return code.replace("_", " ")


def _words(text: str, contract: Contract) -> str:
    """Names as ``eligibility._words`` writes them, in the page's language: an item of the
    contract by its question, a source or "none" by :data:`WORDS`, anything else as written."""
    names = {
        _spoken(item.code): localised(item.question) for item in contract.spec.eligibility.items
    }
    names.update({_spoken(code): str(words) for code, words in WORDS.items()})
    return ", ".join(names.get(word, word) for word in text.split(", "))


def _age(match: re.Match, contract: Contract) -> str:
    years = int(match[1])
    return ngettext(
        "%(years)s year old on %(day)s; the contract accepts children of at least %(low)s and "
        "under %(high)s years",
        "%(years)s years old on %(day)s; the contract accepts children of at least %(low)s and "
        "under %(high)s years",
        years,
    ) % {"years": years, "day": _day(match[2]), "low": match[3], "high": match[4]}


def _at_least(match: re.Match, contract: Contract) -> str:
    count = int(match[1])
    return ngettext(
        "%(count)s marked (%(names)s); at least %(needed)s needed",
        "%(count)s marked (%(names)s); at least %(needed)s needed",
        count,
    ) % {"count": count, "names": _words(match[2], contract), "needed": match[3]}


def _one_of(match: re.Match, contract: Contract) -> str:
    return _("%(present)s; one of %(options)s needed") % {
        "present": _words(match[1], contract),
        "options": _words(match[2], contract),
    }


def _all_of(match: re.Match, contract: Contract) -> str:
    return _("%(present)s; all of %(options)s needed") % {
        "present": _words(match[1], contract),
        "options": _words(match[2], contract),
    }


def _district(match: re.Match, contract: Contract) -> str:
    district = match[1]
    return _("district %(district)s; the contract's districts: %(districts)s") % {
        "district": _("(none given)") if district == "(none given)" else district,
        "districts": match[2],
    }


def _source(match: re.Match, contract: Contract) -> str:
    return _("referred by %(source)s; the contract accepts %(sources)s") % {
        "source": _words(match[1], contract),
        "sources": _words(match[2], contract),
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
    "age_between": [
        (
            re.compile(
                rf"(\d+) years old on {DAY}; the contract accepts children of at least (\d+) "
                r"and under (\d+) years"
            ),
            _age,
        )
    ],
    "at_least": [(re.compile(r"(\d+) [a-z0-9 ]+ \((.*)\); at least (\d+) needed"), _at_least)],
    "any_of": [(re.compile(r"(.*); one of (.*) needed"), _one_of)],
    "all_of": [(re.compile(r"(.*); all of (.*) needed"), _all_of)],
    "district_in": [(re.compile(r"district (.*); the contract's districts: (.*)"), _district)],
    "referral_source_in": [(re.compile(r"referred by (.*); the contract accepts (.*)"), _source)],
    "no_ongoing_services": [
        (re.compile(r"ongoing corrective services: (.*)"), _ongoing),
        (
            re.compile(
                r"no ongoing episode of services (.*?)(?: \(ongoing (.*), which does not count\))?"
            ),
            _none_ongoing,
        ),
    ],
    "in_enrolment_window": [
        (re.compile(rf"referred on {DAY}; the enrolment window is {DAY} to {DAY}"), _window)
    ],
}
"""Per rule kind, the sentences ``sibyl.eligibility`` writes and how to say them again."""


def _patterns(code: str, contract: Contract) -> list[tuple[re.Pattern, Reader]]:
    """The sentences of the contract's criterion ``code`` (none for a code it does not have)."""
    for criterion in contract.spec.eligibility.criteria:
        if criterion.code == code:
            return PATTERNS.get(criterion.rule, [])
    return []


def recognised(code: str, text: str, contract: Contract) -> re.Match | None:
    """The match of ``text`` against the sentences of the contract's criterion, or None."""
    for pattern, _reader in _patterns(code, contract):
        if match := pattern.fullmatch(text):
            return match
    return None


def in_language(code: str, text: str, contract: Contract) -> str:
    """The evidence of criterion ``code`` in the page's language: as written on an English page
    (the library's own language) and when unrecognised."""
    if not (get_language() or "en").startswith(("fi", "sv")):
        return text
    for pattern, reader in _patterns(code, contract):
        if match := pattern.fullmatch(text):
            try:
                return reader(match, contract)
            except (ValueError, KeyError):  # a date or number that is not one: show it as it is
                return text
    return text
