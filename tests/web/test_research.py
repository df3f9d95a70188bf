"""The evaluator's pseudonymised research extracts (DOMAIN.md 4; docs/research.md).

Rules checked here:

* research ids (``identity.research_ids``): HMAC-SHA256 of the pseudonym under a per-contract key
  derived from the pseudonym key with the label ``sibyl/research/v1/``; stable, unlike the
  pseudonym, different across contracts;
* the extracts hold only the cohort of the evaluator's contract, less the children whose consent
  stands withdrawn, named by research id: no identity code, birth date, ``ps-`` pseudonym,
  referral id or free text anywhere, in either format;
* CSV and Parquet carry the same rows; money equals the approved statement to the cent;
* every download writes one audit entry with the SHA-256 of the very bytes sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet
import pytest
from django.urls import reverse
from django.utils import timezone
from webworld import CODE_1, CODE_2, CODE_3, CODE_4, CODE_OUTSIDE, SOS, VAMOS, referral

from sibyl import identity
from sibyl.contract import load_contract
from sibyl.web.audit.models import AuditEntry
from sibyl.web.statements.models import ChildYearLine, Statement
from sibyl.web.store import research

# The extra families of the ``cohort`` fixture (besides the world's ).
CODE_5 = identity.make(date(2014, 6, 1), 788)  # 7 on referral: enrolled by an override
CODE_6 = identity.make(date(2016, 12, 31), 899)  # withdraws consent: left out
CODE_7 = identity.make(date(2017, 12, 31), 121, new_century_signs=True)  # 3, a day short of 4
CODES = (CODE_1, CODE_2, CODE_3, CODE_4, CODE_OUTSIDE, CODE_5, CODE_6, CODE_7)
REFERRAL_IDS = ("R-1", "R-2", "R-3", "R-4", "R-5", "R-6", "R-7")
HELSINKI_ITEMS = (
    "concentration",
    "behaviour",
    "social_interaction",
    "emotional_life",
    "parent_no_education",
    "parent_out_of_work",
    "parenting_difficulties",
    "stressful_life_situation",
)
"""The research extract's columns of the Helsinki referral items (as before answers were data)."""


def _rid(pseudonym: str, keyring: identity.Keyring, contract_id: str = "helsinki") -> str:
    return identity.research_id(pseudonym, contract_id, keyring)


def _all(keyring) -> dict[str, pa.Table]:
    return {
        name: research.build_extract("helsinki", name, keyring=keyring)
        for name in research.EXTRACTS
    }


def _column(table: pa.Table, name: str) -> list:
    return table.column(name).to_pylist()


# ---------------------------------------------------------------------------------------------
# Research ids.


def test_research_id__stable_unlike_the_pseudonym_and_different_across_contracts():
    keyring = identity.create_keys()
    pseudonym = identity.pseudonymise(CODE_1, "helsinki", keyring)
    first = identity.research_id(pseudonym, "helsinki", keyring)
    assert first == identity.research_id(pseudonym, "helsinki", keyring)  # stable
    assert first.startswith("rs-")
    assert len(first) == 35
    assert first[3:] != pseudonym[3:]
    assert first != identity.research_id(pseudonym, "vantaa", keyring)
    # Independent reference: the derivation docs/research.md gives, written out with hmac.
    contract_key = hmac.new(
        keyring.pseudonym_key, b"sibyl/research/v1/helsinki", hashlib.sha256
    ).digest()
    mac = hmac.new(contract_key, pseudonym.encode(), hashlib.sha256).digest()[:20]
    assert first == "rs-" + base64.b32encode(mac).decode().lower()
    # The research key is not the pseudonym key's contract key (labels differ).
    pseudonym_contract_key = hmac.new(
        keyring.pseudonym_key, b"sibyl/pseudonym/v1/helsinki", hashlib.sha256
    ).digest()
    assert contract_key != pseudonym_contract_key


def test_research_id__a_new_pseudonym_key_changes_it():
    """A rotation of the pseudonym key changes research ids: extracts must be re-issued."""
    old = identity.create_keys()
    new = identity.rotated_keyring(old, new_pseudonym_key=True)
    pseudonym = identity.pseudonymise(CODE_1, "helsinki", old)
    assert identity.research_id(pseudonym, "helsinki", old) != identity.research_id(
        identity.repseudonymise(CODE_1, "helsinki", new), "helsinki", new
    )


@pytest.mark.parametrize(("pseudonym", "contract_id"), [("", "helsinki"), ("ps-x", "")])
def test_research_id__refuses_an_empty_pseudonym_or_contract(pseudonym, contract_id):
    with pytest.raises(ValueError, match="research id needs"):
        identity.research_id(pseudonym, contract_id, identity.create_keys())


# ---------------------------------------------------------------------------------------------
# More of a cohort: an override, an exit and a return, a withdrawal, another contract.


@pytest.fixture
def cohort(world, keyring, contract, tmp_path: Path):
    """R-5 (7 years old, enrolled by an override; exits and returns), R-6 (withdraws consent,
    after a logged contact), R-7 (3 years old, a day before the 4th birthday), and the world's
    R-1 child referred again in another contract (``other``)."""
    from sibyl.contract import load_contract
    from sibyl.web.store.enrolment import (
        enrol,
        exit_child,
        import_activity,
        override,
        refer,
        return_child,
        withdraw_consent,
    )

    fifth = refer(contract, referral("R-5", CODE_5, date(2021, 12, 10)), actor="referrer")
    override(
        contract.id, "R-5", True, "the younger sibling is in the programme", actor="coordinator"
    )
    enrol(contract, "R-5", date(2022, 1, 10), SOS, actor="coordinator")
    exit_child(contract.id, fifth.child.pseudonym, date(2022, 6, 1), "moved_out", actor="c")
    return_child(contract, fifth.child.pseudonym, date(2022, 9, 1), actor="coordinator")

    sixth = refer(contract, referral("R-6", CODE_6, date(2021, 12, 30)), actor="referrer")
    enrol(contract, "R-6", date(2022, 1, 10), VAMOS, actor="coordinator")
    activity = tmp_path / "activity-6.csv"
    activity.write_text(
        "referral_id,date,component,minutes,participants,provider\n"
        f"R-6,2022-02-01,community,30,child and grandmother,{VAMOS}\n",
        encoding="utf-8",
    )
    import_activity(activity, contract, actor="provider2")
    withdraw_consent(contract.id, sixth.child.pseudonym, date(2022, 3, 1), actor="coordinator")

    seventh = refer(contract, referral("R-7", CODE_7, date(2021, 12, 30)), actor="referrer")
    enrol(contract, "R-7", date(2022, 1, 10), VAMOS, actor="coordinator")

    folder = tmp_path / "other"
    folder.mkdir()
    source = Path(load_contract("helsinki").source).parent
    shutil.copy(source / "prices.csv", folder / "prices.csv")
    text = (source / "contract.yaml").read_text(encoding="utf-8")
    (folder / "contract.yaml").write_text(text.replace("id: helsinki", "id: other", 1))
    other = load_contract(folder)
    assert other.id == "other"
    refer(other, referral("R-1", CODE_1, date(2021, 12, 1)), actor="referrer")
    enrol(other, "R-1", date(2022, 1, 3), SOS, actor="coordinator")
    return {
        "override": fifth.child.pseudonym,
        "withdrawn": sixth.child.pseudonym,
        "young": seventh.child.pseudonym,
    }


# ---------------------------------------------------------------------------------------------
# The extracts.


def test_children__the_world_has_exactly_its_two_enrolled_families(world, keyring):
    """R-1 (SOS) and R-3 (Vamos) are enrolled; R-2 (not eligible) and R-4 (waiting) are not."""
    table = research.build_extract("helsinki", "children", keyring=keyring)
    assert table.schema == research.extracts_of(load_contract("helsinki"))["children"].schema
    rows = {row["research_id"]: row for row in table.to_pylist()}
    assert set(rows) == {_rid(world.sos, keyring), _rid(world.vamos, keyring)}
    sos, vamos = rows[_rid(world.sos, keyring)], rows[_rid(world.vamos, keyring)]
    # CODE_1 born 2018-05-14, referred 2021-12-01: 2021 − 2018 = 3 (birthday passed) → 3.
    # CODE_3 born 2018-02-20, referred 2021-12-03: 3.
    assert (sos["age_at_referral"], vamos["age_at_referral"]) == (3, 3)
    assert (sos["provider"], vamos["provider"]) == (SOS, VAMOS)
    assert (sos["referred_on"], vamos["referred_on"]) == (date(2021, 12, 1), date(2021, 12, 3))
    for row in (sos, vamos):
        assert row["enrolled_on"] == date(2022, 1, 3)
        assert row["district"] == "Vuosaari"
        assert row["referral_source"] == "child_health_clinic"
        # conftest.referral: concentration, behaviour, parent out of work, parenting difficulties.
        assert {item for item in HELSINKI_ITEMS if row[item]} == {
            "concentration",
            "behaviour",
            "parent_out_of_work",
            "parenting_difficulties",
        }
        assert row["screening_eligible"] is True
        assert row["criteria_failed"] is None
        assert row["overridden"] is False


def test_children__the_item_columns_are_the_contract_s_after_the_referral_source():
    """Helsinki's extract keeps its columns: the eight items, by their codes, in their place;
    each described by the contract's question in the page's language."""
    from django.utils import translation

    columns = research.extracts_of(load_contract("helsinki"))["children"].columns
    names = [column.name for column in columns]
    assert names[: 5 + len(HELSINKI_ITEMS)] == [
        "research_id",
        "referred_on",
        "age_at_referral",
        "district",
        "referral_source",
        *HELSINKI_ITEMS,
    ]
    assert names[5 + len(HELSINKI_ITEMS)] == "screening_eligible"
    assert [c.name for c in research.EXTRACTS["children"].columns] == [
        name for name in names if name not in HELSINKI_ITEMS
    ]
    concentration = columns[names.index("concentration")]
    assert concentration.type == pa.bool_()
    with translation.override("en"):
        assert str(concentration.description) == (
            "the referral's answer: Difficulties of concentration"
        )
    with translation.override("fi"):
        assert str(concentration.description).endswith(": Keskittymisen vaikeuksia")


def test_children__override_age_and_withdrawn_consent(world, cohort, keyring):
    rows = {
        row["research_id"]: row
        for row in research.build_extract("helsinki", "children", keyring=keyring).to_pylist()
    }
    # World's two, R-5 and R-7; R-6 withdrew consent; were never enrolled.
    assert set(rows) == {
        _rid(p, keyring) for p in (world.sos, world.vamos, cohort["override"], cohort["young"])
    }
    older = rows[_rid(cohort["override"], keyring)]
    # CODE_5 born 2014-06-01, referred 2021-12-10: 2021 − 2014 = 7, birthday passed → 7,
    # which fails the age rule (under 7); the coordinator's override enrolled the family.
    assert older["age_at_referral"] == 7
    assert older["screening_eligible"] is False
    assert older["criteria_failed"] == "age"
    assert older["overridden"] is True
    assert older["enrolled_on"] == date(2022, 1, 10)
    # CODE_7 born 2017-12-31, referred 2021-12-30: 2021 − 2017 = 4, birthday not yet → 3.
    assert rows[_rid(cohort["young"], keyring)]["age_at_referral"] == 3


def test_extracts__a_withdrawn_consent_leaves_the_child_out_of_every_extract(
    world, cohort, keyring
):
    withdrawn = _rid(cohort["withdrawn"], keyring)
    for name, table in _all(keyring).items():
        assert withdrawn not in _column(table, "research_id"), name
    assert research.catalogue("helsinki", keyring=keyring).withdrawn == 1


def test_extracts__only_children_of_the_evaluators_contract(world, cohort, keyring):
    """CODE_1's child is also in the contract ``other``: its research id there is not here."""
    from sibyl.web.cohort.models import Child

    other = Child.objects.get(contract_id="other")
    elsewhere = _rid(other.pseudonym, keyring, "other")
    assert elsewhere != _rid(world.sos, keyring)
    for name, table in _all(keyring).items():
        assert elsewhere not in _column(table, "research_id"), name
    children = _column(_all(keyring)["children"], "research_id")
    assert len(children) == 4  # world's 2 + R-5 + R-7


def test_followup__an_exit_and_a_return_are_two_spells(world, cohort, keyring):
    table = research.build_extract("helsinki", "followup", keyring=keyring)
    spells = [
        row for row in table.to_pylist() if row["research_id"] == _rid(cohort["override"], keyring)
    ]
    assert spells == [
        {
            "research_id": _rid(cohort["override"], keyring),
            "spell": 1,
            "start": date(2022, 1, 10),
            "exit": date(2022, 6, 1),
            "exit_reason": "moved_out",
        },
        {
            "research_id": _rid(cohort["override"], keyring),
            "spell": 2,
            "start": date(2022, 9, 1),
            "exit": None,
            "exit_reason": None,
        },
    ]
    # World's 2 + R-5's 2 + R-7's 1 (R-6 is left out).
    assert table.num_rows == 5


def test_service_use__the_episodes_the_statements_use(world, keyring, contract, tmp_path):
    """The world's extract has a row per family, one outside the cohort and one rejected: two
    episodes are stored. A newer extract of service 1 alone supersedes the older for service 1
    only (docs/store.md: the newest extract covering a service)."""
    from sibyl.web.store.imports import import_register

    table = research.build_extract("helsinki", "service_use", keyring=keyring)
    assert sorted(
        (row["research_id"], row["service"], row["start"], row["end"], row["extract_as_of"])
        for row in table.to_pylist()
    ) == sorted(
        [
            (_rid(world.sos, keyring), 5, date(2022, 3, 1), date(2022, 3, 31), date(2023, 3, 31)),
            (_rid(world.vamos, keyring), 1, date(2022, 6, 1), date(2022, 6, 10), date(2023, 3, 31)),
        ]
    )
    newer = tmp_path / "extract_2024-03-31.csv"
    newer.write_text(f"hetu,service,start,end,days\n{CODE_3},1,2022-06-01,,5\n", encoding="utf-8")
    import_register(newer, contract, as_of=date(2024, 3, 31), services=[1], actor="coordinator")
    rows = research.build_extract("helsinki", "service_use", keyring=keyring).to_pylist()
    assert sorted(
        (r["service"], r["start"], r["end"], r["days"], r["extract_as_of"]) for r in rows
    ) == [
        (1, date(2022, 6, 1), None, 5, date(2024, 3, 31)),  # ongoing, 5 care days reported
        (5, date(2022, 3, 1), date(2022, 3, 31), None, date(2023, 3, 31)),
    ]
    assert {r["service_name"] for r in rows} == {
        contract.services[1].name.en,
        contract.services[5].name.en,
    }


def test_outcomes__money_equals_the_approved_statement(world, keyring):
    table = research.build_extract("helsinki", "outcomes", keyring=keyring)
    assert table.schema.field("payment").type == pa.decimal128(16, 2)
    rows = {(row["research_id"], row["year"]): row for row in table.to_pylist()}
    approved = Statement.objects.get(contract_id="helsinki", year=2022, status="approved")
    lines = ChildYearLine.objects.filter(statement=approved).select_related("child")
    assert len(rows) == lines.count() == 2  # the 2023 statement is a draft: not in the extract
    for line in lines:
        row = rows[(_rid(line.child.pseudonym, keyring), 2022)]
        assert (row["followup_days"], row["base"], row["deduction"], row["payment"]) == (
            line.followup_days,
            line.base,
            line.deduction,
            line.payment,
        )
    # By hand (DOMAIN.md 3.3): follow-up 2022-01-03 … 12-31 = 29 + 334 = 363 days;
    # base = 4000.00 × 363 / 365 = 3978.0822 → 3978.08.
    # SOS: service 5, March 2022 = 23 working days × 25,215,000 / 8000 / 253 = 12.458004 €
    # = 286.534 → 286.53; payment 3978.08 − 286.53 = 3691.55.
    # Vamos: service 1, 1–10 June 2022 = 10 care days × 89.30 = 893.00; payment 3085.08.
    sos = rows[(_rid(world.sos, keyring), 2022)]
    vamos = rows[(_rid(world.vamos, keyring), 2022)]
    assert (sos["followup_days"], sos["days_in_year"]) == (363, 365)
    assert (sos["base"], sos["deduction"], sos["payment"]) == (
        Decimal("3978.08"),
        Decimal("286.53"),
        Decimal("3691.55"),
    )
    assert (vamos["deduction"], vamos["payment"]) == (Decimal("893.00"), Decimal("3085.08"))
    assert sos["adjustment"] == vamos["adjustment"] == Decimal("0.00")
    csv_text = research.encode(table, "csv").decode("utf-8")
    assert ",3978.08,286.53,3691.55,0.00" in csv_text  # Decimal strings, two decimals


def test_outcomes__a_later_correction_shows_as_the_child_years_adjustment(
    world, keyring, contract, tmp_path
):
    """A newer extract without the SOS child's March episode: the 2023 statement adjusts 2022 by
    3978.08 − 3691.55 = +286.53 for that child (docs/store.md), and once approved the 2022 row
    of the extract carries it; the approved 2022 payment itself stays."""
    from sibyl.web.store.imports import import_register
    from sibyl.web.store.statements import approve_statement, create_statement

    newer = tmp_path / "extract_2024-03-31.csv"
    newer.write_text(
        f"hetu,service,start,end,days\n{CODE_3},1,2022-06-01,2022-06-10,\n", encoding="utf-8"
    )
    import_register(newer, contract, as_of=date(2024, 3, 31), actor="coordinator")
    create_statement(contract.id, 2023, actor="coordinator")
    approve_statement(contract.id, 2023, actor="coordinator")
    rows = {
        (row["research_id"], row["year"]): row
        for row in research.build_extract("helsinki", "outcomes", keyring=keyring).to_pylist()
    }
    sos = rows[(_rid(world.sos, keyring), 2022)]
    assert (sos["payment"], sos["adjustment"]) == (Decimal("3691.55"), Decimal("286.53"))
    assert rows[(_rid(world.vamos, keyring), 2022)]["adjustment"] == Decimal("0.00")
    # 2023: a full year in follow-up, no use: 4000.00 paid for each child.
    assert rows[(_rid(world.sos, keyring), 2023)]["payment"] == Decimal("4000.00")
    assert len(rows) == 4


def test_activity__contacts_without_who_took_part(world, keyring):
    table = research.build_extract("helsinki", "activity", keyring=keyring)
    assert "participants" not in table.column_names
    assert sorted(
        (r["research_id"], r["date"], r["provider"], r["component"], r["minutes"])
        for r in table.to_pylist()
    ) == sorted(
        [
            (_rid(world.sos, keyring), date(2022, 2, 1), SOS, "individual_support", 60),
            (_rid(world.vamos, keyring), date(2022, 2, 2), VAMOS, "family_group", 90),
        ]
    )
    text = research.encode(table, "csv").decode("utf-8")
    assert "mother" not in text
    assert "father" not in text


def _cells(name: str, content: bytes, fmt: str) -> list:
    if fmt == "csv":
        table = pa_csv.read_csv(
            io.BytesIO(content),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(
                    research.extracts_of(load_contract("helsinki"))[name].schema.names, pa.string()
                )
            ),
        )
    else:
        table = pa_parquet.read_table(io.BytesIO(content))
    return [value for column in table.columns for value in column.to_pylist()]


def test_extracts__no_identity_code_birth_date_pseudonym_or_referral_id_in_any_cell(
    world, cohort, keyring
):
    """Every cell of every extract, in both formats (and the whole CSV text)."""
    from sibyl.web.cohort.models import Child

    births = [identity.birth_date(code) for code in CODES]
    forbidden = [
        *CODES,
        *(birth.isoformat() for birth in births),
        *(f"{b.day}.{b.month}.{b.year}" for b in births),
        *(code[:6] for code in CODES),  # DDMMYY
        "ps-",
    ]
    pseudonyms = set(Child.objects.values_list("pseudonym", flat=True))
    assert len(pseudonyms) == 8  # 7 referrals in helsinki, 1 in other
    checked = 0
    for name, table in _all(keyring).items():
        assert table.num_rows > 0, name
        for fmt in research.FORMATS:
            content = research.encode(table, fmt)
            if fmt == "csv":
                text = content.decode("utf-8")
                assert not [bad for bad in forbidden if bad in text], name
            for value in _cells(name, content, fmt):
                checked += 1
                assert value not in births, (name, fmt)
                assert value not in pseudonyms, (name, fmt)
                assert value not in REFERRAL_IDS, (name, fmt)
                text = str(value)
                assert not [bad for bad in forbidden if bad in text], (name, fmt, text)
    assert checked > 100


def test_parquet__round_trips_to_the_same_rows_as_csv(world, cohort, keyring):
    for name, table in _all(keyring).items():
        from_parquet = pa_parquet.read_table(io.BytesIO(research.encode(table, "parquet")))
        content = research.encode(table, "csv")
        from_csv = pa_csv.read_csv(
            io.BytesIO(content),
            convert_options=pa_csv.ConvertOptions(
                column_types=table.schema,
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
        assert content.decode("utf-8").splitlines()[0].replace('"', "").split(",") == (
            table.column_names
        )
        assert from_parquet.equals(table), name
        assert from_csv.equals(from_parquet), name
        assert from_csv.to_pylist() == table.to_pylist(), name


def test_build_extract__unknown_name_or_format_says_which_exist(world, keyring):
    with pytest.raises(research.UnknownExtract) as error:
        research.build_extract("helsinki", "families", keyring=keyring)
    assert "children, followup, service_use, outcomes, activity" in error.value.message
    table = research.build_extract("helsinki", "children", keyring=keyring)
    with pytest.raises(research.UnknownExtract, match="use csv or parquet"):
        research.encode(table, "xlsx")


# ---------------------------------------------------------------------------------------------
# The page and the downloads.


def _downloads():
    return AuditEntry.objects.filter(action=research.ACTION)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_download__writes_one_audit_entry_with_the_files_sha256(world, client_for, fmt):
    client = client_for("evaluator")
    before = _downloads().count()
    response = client.get(reverse("research:download", args=["children", fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == research.FORMATS[fmt].media_type
    assert response["Cache-Control"] == "no-store, private"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="sibyl-helsinki-children-{today}.{fmt}"'
    )
    assert _downloads().count() == before + 1
    entry = _downloads().latest("id")
    sha = hashlib.sha256(response.content).hexdigest()  # recomputed from the bytes received
    assert entry.details["sha256"] == sha == response["X-Content-SHA256"]
    assert entry.actor == "evaluator"
    assert entry.contract_id == "helsinki"
    assert entry.object_id == "children"
    assert (entry.details["extract"], entry.details["format"], entry.details["rows"]) == (
        "children",
        fmt,
        2,  # the world's two enrolled families
    )
    # The download is in the evaluator's history on the page, with its checksum.
    page = client.get(reverse("research:extracts")).content.decode()
    assert sha in page


def test_download__the_same_data_twice_gives_the_same_csv_and_two_entries(world, client_for):
    client = client_for("evaluator")
    url = reverse("research:download", args=["followup", "csv"])
    first, second = client.get(url).content, client.get(url).content
    assert first == second  # research ids are stable across downloads
    entries = list(_downloads().order_by("id"))
    assert len(entries) == 2
    assert entries[0].details["sha256"] == entries[1].details["sha256"]


def test_download__unknown_extract_or_format_is_404_and_logs_nothing(world, client_for):
    client = client_for("evaluator")
    for name, fmt in (("families", "csv"), ("children", "xlsx"), ("Children", "csv")):
        response = client.get(f"/research/{name}.{fmt}")
        assert response.status_code == 404, (name, fmt)
    assert _downloads().count() == 0


def test_download__a_head_request_sends_and_logs_nothing(world, client_for):
    response = client_for("evaluator").head(reverse("research:download", args=["children", "csv"]))
    assert response.status_code == 200
    assert response.content == b""
    assert _downloads().count() == 0


def test_download__history_shows_only_the_users_own_downloads(world, client_for, keyring):
    research.download("helsinki", "activity", "csv", actor="another-evaluator", keyring=keyring)
    page = client_for("evaluator").get(reverse("research:extracts")).content.decode()
    assert "You have not downloaded an extract yet." in page
    assert research.download_history("helsinki", "evaluator") == []
    assert [d.extract for d in research.download_history("helsinki", "another-evaluator")] == [
        "activity"
    ]


def test_extracts_page__every_extract_with_rows_columns_and_links(world, cohort, client_for):
    response = client_for("evaluator").get(reverse("research:extracts"))
    assert response.status_code == 200
    page = response.content.decode()
    for name, extract in research.extracts_of(load_contract("helsinki")).items():
        for fmt in research.FORMATS:
            assert f'href="/research/{name}.{fmt}"' in page
        for column in extract.columns:
            assert f"<code>{column.name}</code>" in page
    # Rows today: children 4 (world's 2, R-5, R-7), follow-up 5 spells.
    catalogue = {item.extract.name: item.rows for item in research.catalogue("helsinki").extracts}
    assert (catalogue["children"], catalogue["followup"]) == (4, 5)
    assert "4 rows today." in page
    assert "5 rows today." in page
    assert "Today 1 child is left out." in page
    assert "ps-" not in page
    assert not [code for code in CODES if code in page]


def test_extracts_page__without_the_keys_says_so_and_sends_nothing(world, client_for, monkeypatch):
    monkeypatch.delenv("SIBYL_KEY_FILE")
    client = client_for("evaluator")
    page = client.get(reverse("research:extracts"))
    assert page.status_code == 503
    assert "no keys" in page.content.decode()
    response = client.get(reverse("research:download", args=["children", "csv"]))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert _downloads().count() == 0


def test_docs__every_extract_and_column_is_documented_in_order():
    """docs/research.md has a section per extract with a row per column, in the table's order."""
    text = (Path(__file__).parents[2] / "docs" / "research.md").read_text(encoding="utf-8")
    for name, extract in research.extracts_of(load_contract("helsinki")).items():
        assert f"### `{name}`" in text, name
        section = text.split(f"### `{name}`", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
        documented = re.findall(r"^\| `(\w+)` \|", section, re.MULTILINE)
        assert documented == [column.name for column in extract.columns], name
