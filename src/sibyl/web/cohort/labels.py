"""The words the cohort pages show for the store's codes (criteria, exit reasons, components,
referral sources, statuses), in the page's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CRITERIA = {
    "age": _("Age on the referral date"),
    "difficulties": _("At least two difficulties of self-regulation"),
    "parent_situation": _("A parent without education beyond basic school, or out of work"),
    "family_situation": _("Difficulties in parenting, or a stressful life situation"),
    "district": _("Lives in one of the contract's districts"),
    "referral_source": _("Referred by an accepted source"),
    "ongoing_services": _("No ongoing heavy corrective service"),
    "enrolment_window": _("Referred inside the enrolment window"),
    "overridden": _("Made not eligible by an override"),
}
"""DOMAIN.md 2.1, one line per criterion of :mod:`sibyl.eligibility`."""

FLAGS = {
    "concentration": _("The child has difficulties with concentration"),
    "behaviour": _("The child has difficulties with behaviour"),
    "social_interaction": _("The child has difficulties in social interaction"),
    "emotional_life": _("The child has difficulties in emotional life"),
    "parent_no_education": _("A parent has no education beyond basic school"),
    "parent_out_of_work": _(
        "A parent is out of working life (unemployed, on disability pension or similar)"
    ),
    "parenting_difficulties": _("The family has difficulties in parenting"),
    "stressful_life_situation": _(
        "The family is in a stressful life situation (divorce, single parenthood or similar)"
    ),
}
"""The eight facts a referrer ticks, in plain words (the fields of a referral)."""

SOURCES = {
    "early_childhood_education": _("early childhood education (varhaiskasvatus)"),
    "child_health_clinic": _("child health clinic (neuvola)"),
    "other": _("other"),
}

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
