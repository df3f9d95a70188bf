"""The pages in Finnish and Swedish: the catalogues are complete, compiled and safe to format.

The messages are extracted from the sources in the test itself (``sibyl.web.translations``:
Django's template parser and Babel's Python extractor), so a new string on a page without a
Finnish or Swedish translation fails here, named with the file and line it comes from. The fix:
``python -m sibyl.web.translations update``, translate the new entries in
``src/sibyl/web/locale/{fi,sv}/LC_MESSAGES/django.po``, ``python -m sibyl.web.translations
compile``, and commit the ``.po`` and ``.mo`` files.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from gettext import GNUTranslations

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from webworld import CODE_1, referral

from sibyl import eligibility
from sibyl.web import translations
from sibyl.web.cohort import evidence

LANGUAGES = translations.LANGUAGES


@pytest.fixture(scope="module")
def extracted() -> dict:
    return translations.extract()


def catalogue(language: str) -> Catalog:
    with translations._po_path(language).open("rb") as stream:
        return read_po(stream, locale=language)


def where(places: list[tuple[str, int]]) -> str:
    return ", ".join(f"{path}:{line}" for path, line in places[:3])


def forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


# ---------------------------------------------------------------------------------------------
# The extractor finds every kind of message the pages use.


def test_extract__finds_every_kind_of_message(extracted):
    # A template whose indentation Python's tokenizer refused before (the referral form).
    assert ("Send the referral", None) in extracted
    # {% blocktranslate count %} with {% plural %}: singular and plural.
    assert (("%(total)s referral", "%(total)s referrals"), None) in extracted
    # {% translate ... context ... %}: the same English word with another meaning.
    assert ("Import", "the number of a register import") in extracted
    assert ("Import", None) in extracted
    # ngettext in Python.
    assert (
        (
            "%(name)s: %(count)s flow stored in the fund ledger.",
            "%(name)s: %(count)s flows stored in the fund ledger.",
        ),
        None,
    ) in extracted
    # gettext_lazy in Python (form labels, the header links).
    assert ("Referral date", None) in extracted
    assert ("Research extracts", None) in extracted
    # {{ var }} inside {% blocktranslate %} becomes a named placeholder, a literal % doubles.
    assert ("Referral %(id)s", None) in extracted
    assert any(
        isinstance(message, str) and "5 %% of the runs" in message for message, _ in extracted
    )


# ---------------------------------------------------------------------------------------------
# (1) Every message has a Finnish and a Swedish translation, none fuzzy.


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue__every_message_of_the_pages_is_translated(extracted, language):
    catalog = catalogue(language)
    problems = []
    for (message, context), places in sorted(extracted.items(), key=lambda kv: kv[1][0]):
        singular = message if isinstance(message, str) else message[0]
        entry = catalog.get(singular, context=context)
        if entry is None:
            problems.append(f"{where(places)}: {message!r} is not in the catalogue")
        elif entry.fuzzy:
            problems.append(f"{where(places)}: {message!r} is fuzzy")
        elif not all(form.strip() for form in forms(entry)):
            problems.append(f"{where(places)}: {message!r} has no translation")
        elif not isinstance(message, str) and (not entry.pluralizable or entry.id[1] != message[1]):
            problems.append(f"{where(places)}: {message!r} lacks its plural form")
        elif isinstance(entry.string, (tuple, list)) and len(entry.string) != catalog.num_plurals:
            problems.append(f"{where(places)}: {message!r} needs {catalog.num_plurals} forms")
    assert not problems, (
        f"{len(problems)} message(s) of the pages lack a {language} translation; run "
        "`python -m sibyl.web.translations update`, translate them in "
        f"src/sibyl/web/locale/{language}/LC_MESSAGES/django.po, then `... compile`:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue__header_is_not_fuzzy_and_has_the_plural_rule(language):
    catalog = catalogue(language)
    assert not catalog.fuzzy
    # Finnish and Swedish: one form for 1, another for every other number.
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert catalog.locale.language == language


# ---------------------------------------------------------------------------------------------
# (2) The committed .mo holds exactly the messages of its .po.


@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_file__holds_exactly_the_messages_of_its_po(language):
    buffer = io.BytesIO()
    write_mo(buffer, catalogue(language), use_fuzzy=False)
    buffer.seek(0)
    expected = GNUTranslations(buffer)
    with translations._po_path(language).with_suffix(".mo").open("rb") as stream:
        committed = GNUTranslations(stream)
    missing = set(expected._catalog) - set(committed._catalog)
    extra = set(committed._catalog) - set(expected._catalog)
    differing = {
        key
        for key in set(expected._catalog) & set(committed._catalog)
        if expected._catalog[key] != committed._catalog[key]
    }
    stale = missing | extra | differing
    assert not stale, (
        f"src/sibyl/web/locale/{language}/LC_MESSAGES/django.mo is stale: "
        f"{len(missing)} missing, {len(extra)} extra, {len(differing)} different messages "
        f"(e.g. {sorted(map(str, stale))[:3]}); run `python -m sibyl.web.translations compile`."
    )


# ---------------------------------------------------------------------------------------------
# (3) Each translation keeps the placeholders (and the markup) of its source.

NAMED = re.compile(r"%\((\w+)\)[sd]")
TOKEN = re.compile(r"%\(\w+\)[sd]|%%|%[sd]")
TAG = re.compile(r"</?([a-z]+)")


def bare_percents(text: str) -> int:
    """``%`` signs that are neither a placeholder nor an escaped ``%%``: in a message Django
    formats (``{% blocktranslate %}``, ``_("…%(x)s…") % {…}``) they break the page."""
    return TOKEN.sub("", text).count("%")


def source_forms(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations__keep_the_placeholders_and_markup_of_the_source(language):
    problems = []
    for message in catalogue(language):
        if not message.id:
            continue
        sources = source_forms(message)
        for index, text in enumerate(forms(message)):
            # nplurals=2: form 0 translates the singular, form 1 the plural.
            source = sources[min(index, len(sources) - 1)]
            if sorted(NAMED.findall(text)) != sorted(NAMED.findall(source)):
                problems.append(
                    f"{message.id!r} [{index}]: placeholders {sorted(NAMED.findall(text))} "
                    f"!= {sorted(NAMED.findall(source))}"
                )
            if bare_percents(text) > bare_percents(source):
                problems.append(f"{message.id!r} [{index}]: a lone % (write %% for a percent sign)")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(source)):
                problems.append(f"{message.id!r} [{index}]: HTML tags differ from the source")
    assert not problems, "\n".join(problems)


def test_placeholder_check__catches_a_lost_or_renamed_placeholder():
    # The rule the test above applies, on known good and bad translations.
    source = "The referral %(id)s was stored: the family is eligible."
    assert NAMED.findall("Lähete %(id)s tallennettiin: perhe on kelpoinen.") == NAMED.findall(
        source
    )
    assert NAMED.findall("Lähete tallennettiin.") != NAMED.findall(source)
    assert NAMED.findall("Lähete %(tunnus)s tallennettiin.") != NAMED.findall(source)
    # A percent sign in a formatted message must be doubled.
    assert bare_percents("P5 on arvo, jonka alle jää 5 %% ajoista") == 0
    assert bare_percents("P5 on arvo, jonka alle jää 5 % ajoista") == 1


# ---------------------------------------------------------------------------------------------
# (4) A page is in the language asked: Accept-Language, or the language cookie.


def test_page__in_finnish_when_the_browser_asks_for_finnish(world, client_for):
    response = client_for("coordinator").get("/dashboard/", HTTP_ACCEPT_LANGUAGE="fi")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fi">' in page
    # A template string, a header link (gettext_lazy in Python) and a role name (the model's).
    assert "<h1>Koontinäkymä</h1>" in page
    assert ">Lähetteet</a>" in page
    assert "koordinaattori" in page
    assert "Kirjaudu ulos" in page
    assert "Sign out" not in page
    assert "Dashboard" not in page


def test_page__in_swedish_when_the_language_cookie_says_swedish(world, client_for):
    client = client_for("coordinator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    page = client.get("/referrals/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()

    # The cookie wins over the browser's language.
    assert '<html lang="sv">' in page
    assert "<h1>Remisser</h1>" in page
    assert "Logga ut" in page
    # A plural: the world has 4 referrals (R-1 to R-4) -> the plural form.
    assert "4 remisser" in page
    assert "Referrals" not in page


def test_page__plural_forms_follow_the_number(world, client_for):
    client = client_for("referrer2")  # referrer2 made one referral
    fi = client.get("/referrals/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    sv = client.get("/referrals/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert "1 lähete" in fi
    assert "1 lähetettä" not in fi
    assert "1 remiss" in sv
    assert "1 remisser" not in sv


def test_message_after_a_form__in_the_language_of_the_page(world, client_for):
    # A message made in Python (gettext) after a POST: the offer of free places.
    response = client_for("coordinator").post(
        "/cohort/offer/", {"on": "2022-03-01"}, HTTP_ACCEPT_LANGUAGE="fi", follow=True
    )

    assert "Odotuslistalta otettiin mukaan 1.3.2022: R-4 (SOS-Lapsikylä)." in (
        response.content.decode()
    )


def test_form_error__in_the_language_of_the_page(world, client_for):
    # A form's own error message (gettext_lazy) and a field label, in Swedish.
    client = client_for("coordinator")
    response = client.post("/statements/create/", {"year": "twenty"}, HTTP_ACCEPT_LANGUAGE="sv")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Året är inte ett heltal; ange det med fyra siffror, t.ex. 2025." in page


def test_sign_in_page__in_the_browsers_language_for_an_anonymous_visitor(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert "Logga in i Sibyl" in page
    assert "Användarnamn" in page
    assert "Lösenord" in page


def test_chart__drawn_in_the_pages_language_and_asked_for_again_after_a_switch(world, client_for):
    client = client_for("coordinator")
    english = client.get("/charts/enrolment.svg", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    finnish = client.get("/charts/enrolment.svg", HTTP_ACCEPT_LANGUAGE="en")

    assert b"Enrolment over time" in english.content
    assert b"Mukaanotto ajan mittaan" in finnish.content
    # The same address answers in either language, so a browser may not reuse a kept image
    # (Chromium kept the English chart for a minute after a switch, whatever Vary said).
    assert "no-cache" in finnish["Cache-Control"]
    assert "max-age" not in finnish["Cache-Control"]


# ---------------------------------------------------------------------------------------------
# The screening's evidence: written in English by the library, said again in the page's language.


def screened(contract) -> list[tuple[str, str]]:
    """(criterion code, evidence) of referrals that make every sentence eligibility.py writes."""
    base = referral("E-1", CODE_1, date(2022, 3, 1))  # born 2018-05-14: 3 years old
    variants = [
        base,
        # Born 2018-05-14, so 1 year old on 2019-06-01 (before the window): one difficulty, no
        # parent or family situation, no district, another source, services 1 and 5 ongoing.
        replace(
            base,
            referred_on=date(2019, 6, 1),
            answers={
                **base.answers,
                "behaviour": False,
                "parent_out_of_work": False,
                "parenting_difficulties": False,
            },
            district="",
            referral_source="other",
            ongoing_services=frozenset({1, 5}),
        ),
        # Only service 9 (school support) ongoing, which is no corrective service; another
        # district; every flag; the other source.
        replace(
            base,
            district="Kallio",
            referral_source="early_childhood_education",
            ongoing_services=frozenset({9}),
            answers={
                **base.answers,
                "social_interaction": True,
                "emotional_life": True,
                "parent_no_education": True,
                "stressful_life_situation": True,
            },
        ),
    ]
    return [
        (result.code, result.evidence)
        for variant in variants
        for result in eligibility.screen(variant, contract).criteria
    ]


ENGLISH_WORDS = re.compile(
    r"\b(years old|difficult|needed|contract|district|referred|ongoing|window|none|"
    r"concentration|behaviour|parent|stressful|clinic|education)\b"
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_evidence__every_sentence_the_library_writes_is_said_in_the_language(contract, language):
    sentences = screened(contract)
    assert len(sentences) == 24  # 3 referrals × 8 criteria
    for code, text in sentences:
        assert evidence.recognised(code, text, contract), (code, text)
        with translation.override(language):
            shown = evidence.in_language(code, text, contract)
        assert shown != text, (code, text)
        # Service names come from the contract (no Swedish names there yet: English ones).
        assert not ENGLISH_WORDS.search(shown.split(" (")[0] if "services:" in text else shown), (
            code,
            shown,
        )


def test_evidence__finnish_and_swedish_sentences_as_written_by_hand(contract):
    evidence_of = dict(screened(contract)[:8])  # the first referral, eligible
    second = dict(screened(contract)[8:16])
    with translation.override("fi"):
        # Born 2018-05-14, referred 1.3.2022: 3 years old; the contract: at least 3, under 7.
        assert evidence.in_language("age", evidence_of["age"], contract) == (
            "3-vuotias 1.3.2022; sopimus hyväksyy vähintään 3- ja alle 7-vuotiaat lapset"
        )
        # The items by the contract's questions.
        assert evidence.in_language("difficulties", evidence_of["difficulties"], contract) == (
            "merkittynä 2 (Keskittymisen vaikeuksia, Käyttäytymisen vaikeuksia); "
            "vaaditaan vähintään 2"
        )
        assert evidence.in_language(
            "parent_situation", evidence_of["parent_situation"], contract
        ) == (
            "Vanhempi on työelämän ulkopuolella; vaaditaan yksi seuraavista: Vanhemmalla ei "
            "perusasteen jälkeistä koulutusta, Vanhempi on työelämän ulkopuolella"
        )
        assert evidence.in_language(
            "enrolment_window", evidence_of["enrolment_window"], contract
        ) == ("lähetetty 1.3.2022; mukaanottojakso on 1.1.2020–31.12.2024")
        assert evidence.in_language("ongoing_services", second["ongoing_services"], contract) == (
            "käynnissä olevat korjaavat palvelut: 1 (Kodin ulkopuolelle sijoitetut, perheisiin "
            "sijoitetut (sis. toimeksiantosopimussuhteinen ja luvanvarainen)); "
            "5 (Lastensuojelun avohuollon sosiaalityö)"
        )
    with translation.override("sv"):
        # 1 year old on 2019-06-01: the singular; Swedish dates are written 2019-06-01.
        assert evidence.in_language("age", second["age"], contract) == (
            "1 år gammalt 2019-06-01; avtalet godtar barn som är minst 3 och under 7 år"
        )
        assert evidence.in_language("difficulties", second["difficulties"], contract) == (
            "1 markerad (Koncentrationssvårigheter); minst 2 krävs"
        )
        assert evidence.in_language("district", second["district"], contract) == (
            "område (inget angivet); avtalets områden: Vuosaari, Mellunkylä"
        )
        assert evidence.in_language("referral_source", second["referral_source"], contract) == (
            "remitterande instans: annan; avtalet godtar: småbarnspedagogik, barnrådgivning"
        )


def test_evidence__english_page_and_unknown_sentence_shown_as_written(contract):
    code, text = screened(contract)[1]
    with translation.override("en"):
        assert evidence.in_language(code, text, contract) == text
    with translation.override("fi"):
        assert evidence.in_language("age", "an older wording", contract) == "an older wording"


def test_evidence__a_criterion_is_read_by_its_rule_kind_with_the_contract_s_questions(contract):
    """Another contract's criterion (all_of, with an item of its own) is said again by its rule
    kind; a criterion the contract does not have is shown as written."""
    from sibyl.contract import ContractSpec

    data = contract.spec.model_dump(mode="python", exclude_none=True)
    data["eligibility"]["items"].append(
        {"code": "speech", "question": {"fi": "Puheen vaikeuksia", "en": "Speech", "sv": "Tal"}}
    )
    data["eligibility"]["criteria"].append(
        {
            "code": "speech_too",
            "question": {"fi": "Puhe?", "en": "Speech too?"},
            "rule": "all_of",
            "items": ["speech", "concentration"],
            "evidence": "the items the referral marks",
            "reference": "a test",
        }
    )
    other = replace(contract, spec=ContractSpec.model_validate(data))
    result = eligibility.screen(referral("E-2", CODE_1, date(2022, 3, 1)), other).criteria[-1]
    assert (result.code, result.met) == ("speech_too", False)
    assert evidence.recognised("speech_too", result.evidence, other)
    with translation.override("fi"):
        assert evidence.in_language("speech_too", result.evidence, other) == (
            "Keskittymisen vaikeuksia; vaaditaan kaikki seuraavat: Puheen vaikeuksia, "
            "Keskittymisen vaikeuksia"
        )
        assert evidence.in_language("speech_too", result.evidence, contract) == result.evidence
    with translation.override("sv"):
        assert evidence.in_language("speech_too", result.evidence, other) == (
            "Koncentrationssvårigheter; alla följande krävs: Tal, Koncentrationssvårigheter"
        )


def test_referral_page__evidence_in_finnish(world, client_for):
    # R-1 (the world's): concentration and behaviour ticked.
    page = client_for("coordinator").get("/referrals/R-1/", HTTP_ACCEPT_LANGUAGE="fi")

    assert (
        "merkittynä 2 (Keskittymisen vaikeuksia, Käyttäytymisen vaikeuksia); vaaditaan vähintään 2"
    ) in page.content.decode()
