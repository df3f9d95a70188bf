"""The words the cohort pages show for the store's codes (criteria, referral items, exit
reasons, components, referral sources, statuses), in the page's language. A contract's criteria
and items are named by the contract's own questions (fi, sv, en)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sibyl.contract import Contract
from sibyl.web.ui.contracts import localised

OVERRIDDEN = _("Made not eligible by an override")
"""What a refusal counts as when no criterion failed: a coordinator's override decided it."""


def criterion(contract: Contract, code: str) -> str:
    """A criterion in the page's language: the contract's question for it (an override's
    refusal, or a code the contract no longer has, by its own words)."""
    if code == "overridden":
        return str(OVERRIDDEN)
    for found in contract.spec.eligibility.criteria:
        if found.code == code:
            return localised(found.question)
    return code


def item(contract: Contract, code: str) -> str:
    """A referral item in the page's language: the contract's question (the code itself for an
    item the contract no longer has)."""
    for found in contract.spec.eligibility.items:
        if found.code == code:
            return localised(found.question)
    return code


SOURCES = {
    "early_childhood_education": _("early childhood education (varhaiskasvatus)"),
    "child_health_clinic": _("child health clinic (neuvola)"),
    "child_protection": _("child protection (lastensuojelu)"),
    "school": _("school (koulu)"),
    "other": _("other"),
}
"""Every referral source a contract may accept (:data:`sibyl.contract.model.ReferralSource`);
the referral form offers the contract's accepted ones and ``other``."""

EXIT_REASONS = {
    "moved_out": _("moved out of the city"),
    "died": _("died"),
    "consent_withdrawn": _("consent withdrawn"),
    "other": _("other"),
}

COMPONENTS = {
    "individual_support": _("individual support"),
    "family_group": _("family group (kotipesä)"),
    "community": _("community and peer activity"),
}

PARTICIPANTS = {
    "child": _("child"),
    "mother": _("mother"),
    "father": _("father"),
    "other guardian": _("other guardian"),
    "sibling": _("sibling"),
    "other family member": _("other family member"),
}
"""Who took part in a contact, by role (stored in English words, e.g. ``child, mother``)."""

PARTICIPANT_WORDS = {
    **PARTICIPANTS,
    "parent": _("parent"),
    "parents": _("parents"),
    "family": _("family"),
}
"""The words of an activity file's free-text ``participants`` shown in the page's language: the
form's choices and the words activity files use besides them (e.g. ``child, parent``)."""


def participants(text: str) -> str:
    """Who took part, in the page's language: each known word translated, any other kept."""
    words = [word.strip() for word in text.split(",")]
    return ", ".join(str(PARTICIPANT_WORDS.get(word.lower(), word)) for word in words if word)


STATUSES = {
    "waiting": _("waiting"),
    "enrolled": _("enrolled"),
    "not_eligible": _("not eligible"),
}
"""A referral's status on the referrals page."""

FAMILY_STATUSES = {
    "in_followup": _("in follow-up"),
    "exited": _("exited"),
}


def label(labels: dict, code: str) -> str:
    """The words for ``code``, or the code itself when there are none."""
    return str(labels.get(code, code))
