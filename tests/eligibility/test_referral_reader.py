"""Reading referral files: the formats, and one test per reason a row is rejected or a file refused.

Every identity code here is synthetic (:func:`sibyl.identity.make`); no test lets a raw code
through to a rejected row.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sibyl.contract import Contract, ContractSpec, load_contract
from sibyl.eligibility import Referral
from sibyl.errors import SibylInputError
from sibyl.identity import make, mask
from sibyl.register.model import RejectedRow
from sibyl.register.referrals import read_referrals, referral_columns, required_columns

CHILD_A = make(date(2018, 6, 15), 123)
CHILD_B = make(date(2019, 1, 3), 456, new_century_signs=True)
TEMPORARY = make(date(2018, 2, 1), 905)
_CHECKS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
BAD_CHECK = CHILD_A[:-1] + _CHECKS[(_CHECKS.index(CHILD_A[-1]) + 1) % 31]
IMPOSSIBLE_BIRTH = "310218A123" + _CHECKS[int("310218123") % 31]

HEADER = [*required_columns(load_contract("helsinki")), "ongoing_services"]
ITEMS = [
    "concentration",
    "behaviour",
    "social_interaction",
    "emotional_life",
    "parent_no_education",
    "parent_out_of_work",
    "parenting_difficulties",
    "stressful_life_situation",
]


@pytest.fixture(scope="module")
def helsinki() -> Contract:
    return load_contract("helsinki")


def row(**changes: str) -> list[str]:
    """A referral row that reads cleanly, with some cells changed."""
    values = {
        "referral_id": "R-1",
        "hetu": CHILD_A,
        "referred_on": "2022-09-01",
        "district": "Vuosaari",
        "referral_source": "early_childhood_education",
        "concentration": "1",
        "behaviour": "1",
        "social_interaction": "0",
        "emotional_life": "0",
        "parent_no_education": "0",
        "parent_out_of_work": "1",
        "parenting_difficulties": "0",
        "stressful_life_situation": "1",
        "ongoing_services": "",
    }
    values.update(changes)
    return [values[name] for name in HEADER]


def write(path: Path, rows: Sequence[Sequence[str]], sep: str = ";", encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as stream:
        csv.writer(stream, delimiter=sep, lineterminator="\n").writerows(rows)
    return path


def read_one(tmp_path: Path, contract: Contract, **changes: str) -> RejectedRow:
    """Read a file of one row that must be rejected, and give the rejection."""
    referrals, rejects = read_referrals(
        write(tmp_path / "referrals.csv", [HEADER, row(**changes)]), contract
    )
    assert referrals == []
    assert len(rejects) == 1
    return rejects[0]


def shown(rejects: list[RejectedRow]) -> str:
    return "\n".join(f"{r.line} {r.column} {r.value} {r.reason}" for r in rejects)


EXPECTED_A = Referral(
    referral_id="R-1",
    hetu=CHILD_A,
    referred_on=date(2022, 9, 1),
    district="Vuosaari",
    referral_source="early_childhood_education",
    answers={
        item: item
        in {"concentration", "behaviour", "parent_out_of_work", "stressful_life_situation"}
        for item in ITEMS
    },
    line=2,
)


def test_read_referrals__the_columns_are_the_fixed_ones_and_the_contract_s_items(
    helsinki: Contract,
) -> None:
    assert list(referral_columns(helsinki)) == [
        "referral_id",
        "hetu",
        "referred_on",
        "district",
        "referral_source",
        *ITEMS,
        "ongoing_services",
    ]


# ---------------------------------------------------------------------------------------------
# Formats


@pytest.mark.parametrize("sep", [";", ","])
def test_read_referrals__csv_with_either_delimiter(
    tmp_path: Path, helsinki: Contract, sep: str
) -> None:
    referrals, rejects = read_referrals(write(tmp_path / "r.csv", [HEADER, row()], sep), helsinki)
    assert rejects == []
    assert referrals == [EXPECTED_A]


def test_read_referrals__xlsx_first_sheet(tmp_path: Path, helsinki: Contract) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row())
    path = tmp_path / "referrals.xlsx"
    workbook.save(path)
    referrals, rejects = read_referrals(path, helsinki)
    assert rejects == []
    assert referrals == [EXPECTED_A]


def test_read_referrals__latin1_finnish_words_and_dates(tmp_path: Path, helsinki: Contract) -> None:
    rows = [
        HEADER,
        row(
            hetu=f" {CHILD_B.lower()} ",
            referred_on="3.2.2023",
            district="Mellunkylä",
            referral_source="Neuvola",
            concentration="KYLLÄ",
            behaviour="Ei",
            social_interaction="kyllä",
            emotional_life="ei",
            parent_no_education="true",
            parent_out_of_work="False",
            parenting_difficulties="yes",
            stressful_life_situation="NO",
        ),
    ]
    referrals, rejects = read_referrals(
        write(tmp_path / "r.csv", rows, encoding="latin-1"), helsinki
    )
    assert rejects == []
    [referral] = referrals
    assert referral.hetu == CHILD_B
    assert referral.referred_on == date(2023, 2, 3)
    assert referral.district == "Mellunkylä"
    assert referral.referral_source == "child_health_clinic"
    flags = tuple(referral.answers[item] for item in ITEMS)
    assert flags == (True, False, True, False, True, False, True, False)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("early_childhood_education", "early_childhood_education"),
        ("varhaiskasvatus", "early_childhood_education"),
        ("child_health_clinic", "child_health_clinic"),
        ("neuvola", "child_health_clinic"),
        ("child_protection", "child_protection"),
        ("Lastensuojelu", "child_protection"),
        ("school", "school"),
        ("koulu", "school"),
        ("other", "other"),
        ("Muu", "other"),
    ],
)
def test_read_referrals__sources_and_finnish_aliases(
    tmp_path: Path, helsinki: Contract, text: str, source: str
) -> None:
    path = write(tmp_path / "r.csv", [HEADER, row(referral_source=text)])
    [referral], _ = read_referrals(path, helsinki)
    assert referral.referral_source == source


@pytest.mark.parametrize(
    ("text", "codes"),
    [("", set()), ("5", {5}), ("1 5", {1, 5}), ("1,9", {1, 9}), ("4; 5 ,8", {4, 5, 8})],
)
def test_read_referrals__ongoing_services_separated_by_spaces_commas_semicolons(
    tmp_path: Path, helsinki: Contract, text: str, codes: set[int]
) -> None:
    path = write(tmp_path / "r.csv", [HEADER, row(ongoing_services=text)], sep=",")
    [referral], _ = read_referrals(path, helsinki)
    assert referral.ongoing_services == frozenset(codes)


def test_read_referrals__ongoing_services_column_is_optional(
    tmp_path: Path, helsinki: Contract
) -> None:
    rows = [HEADER[:-1], row()[:-1]]
    [referral], rejects = read_referrals(write(tmp_path / "r.csv", rows), helsinki)
    assert rejects == []
    assert referral.ongoing_services == frozenset()


def test_read_referrals__header_any_case_and_columns_without_a_name_ignored(
    tmp_path: Path, helsinki: Contract
) -> None:
    rows = [[f" {name.upper()} " for name in HEADER] + [""], [*row(), ""]]
    referrals, rejects = read_referrals(write(tmp_path / "r.csv", rows), helsinki)
    assert (referrals, rejects) == ([EXPECTED_A], [])


@pytest.mark.parametrize("column", ["symptoms", "note", "Concentraton"])
def test_read_referrals__an_unknown_item_column_refuses_the_file_with_line_and_column(
    tmp_path: Path, helsinki: Contract, column: str
) -> None:
    """A column that is no item of the contract (another contract's item, a misspelt one, a
    note) would be an answer nobody screens: the file is refused, naming line 1 and the column."""
    path = write(tmp_path / "r.csv", [[*HEADER, column], [*row(), "1"]])
    with pytest.raises(SibylInputError) as caught:
        read_referrals(path, helsinki)
    message = caught.value.message
    assert message.startswith(f"{path}, line 1, column {column!r}: the column {column!r} is ")
    assert "neither a referral item of the contract helsinki (concentration, behaviour," in message
    assert "rename it to the item it answers or remove it" in message
    assert message[len(str(path)) :].count(".") == 1  # one sentence


def test_read_referrals__the_items_are_the_contract_s(tmp_path: Path, helsinki: Contract) -> None:
    """Another contract asks other questions: its file has its own item columns, and a file of
    Helsinki's items is refused under it."""
    data = helsinki.spec.model_dump(mode="python", exclude_none=True)
    data["eligibility"]["items"] = [
        {"code": "symptoms", "question": {"fi": "Oireita", "en": "Symptoms"}}
    ]
    data["eligibility"]["criteria"] = [
        {**criterion, "items": ["symptoms"], "count": 1} if criterion["rule"] == "at_least"
        else {**criterion, "items": ["symptoms"]} if criterion["rule"] == "any_of"
        else criterion
        for criterion in data["eligibility"]["criteria"]
    ]  # fmt: skip
    other = replace(helsinki, spec=ContractSpec.model_validate(data))
    header = ["referral_id", "hetu", "referred_on", "district", "referral_source", "symptoms"]
    good = ["R-1", CHILD_A, "2022-09-01", "Vuosaari", "neuvola", "kyllä"]
    [referral], rejects = read_referrals(write(tmp_path / "r.csv", [header, good]), other)
    assert (referral.answers, rejects) == ({"symptoms": True}, [])
    with pytest.raises(SibylInputError, match="no column 'symptoms'"):
        read_referrals(write(tmp_path / "h.csv", [HEADER, row()]), other)
    with pytest.raises(SibylInputError, match="line 1, column 'concentration'"):
        read_referrals(write(tmp_path / "h.csv", [[*header, "concentration"], [*good, "1"]]), other)


# ---------------------------------------------------------------------------------------------
# Files refused whole


def test_read_referrals__missing_columns_refuse_the_file(
    tmp_path: Path, helsinki: Contract
) -> None:
    header = [name for name in HEADER if name not in ("referred_on", "emotional_life")]
    path = write(tmp_path / "r.csv", [header])
    with pytest.raises(SibylInputError) as caught:
        read_referrals(path, helsinki)
    message = caught.value.message
    assert "no column 'referred_on', 'emotional_life'" in message
    assert "correct the header line" in message


def test_read_referrals__a_column_twice_refuses_the_file(
    tmp_path: Path, helsinki: Contract
) -> None:
    path = write(tmp_path / "r.csv", [[*HEADER, "district"]])
    with pytest.raises(SibylInputError, match="'district' appears twice"):
        read_referrals(path, helsinki)


def test_read_referrals__a_header_of_codes_is_masked_in_the_message(
    tmp_path: Path, helsinki: Contract
) -> None:
    path = write(tmp_path / "r.csv", [row()])  # no header: the first row is read as one
    with pytest.raises(SibylInputError) as caught:
        read_referrals(path, helsinki)
    assert CHILD_A not in caught.value.message
    assert mask(CHILD_A) in caught.value.message


# ---------------------------------------------------------------------------------------------
# Rows rejected, one reason each


@pytest.mark.parametrize(
    ("changes", "column", "value", "words"),
    [
        ({"referral_id": ""}, "referral_id", "", "referral id is empty"),
        ({"hetu": ""}, "hetu", "", "identity code is empty"),
        ({"hetu": BAD_CHECK}, "hetu", mask(BAD_CHECK), "check character does not match"),
        ({"hetu": IMPOSSIBLE_BIRTH}, "hetu", mask(IMPOSSIBLE_BIRTH), "not a real date"),
        ({"hetu": "12345"}, "hetu", mask("12345"), "not an identity code of the form"),
        ({"hetu": TEMPORARY}, "hetu", mask(TEMPORARY), "temporary identity code"),
        ({"referred_on": ""}, "referred_on", "", "referral date is empty"),
        ({"referred_on": "2022/09/01"}, "referred_on", "2022/09/01", "YYYY-MM-DD or D.M.YYYY"),
        ({"referred_on": "2022-02-30"}, "referred_on", "2022-02-30", "not a day of the calendar"),
        ({"referral_source": "kirjasto"}, "referral_source", "kirjasto", "'kirjasto' is not known"),
        ({"referral_source": ""}, "referral_source", "", "is not known"),
        ({"behaviour": "maybe"}, "behaviour", "maybe", "'maybe' is not a yes or no"),
        ({"emotional_life": ""}, "emotional_life", "", "emotional_life is empty"),
        ({"parent_out_of_work": "2"}, "parent_out_of_work", "2", "write 1 or 0"),
        ({"ongoing_services": "5 12"}, "ongoing_services", "5 12", "'12' is not a service code"),
        ({"ongoing_services": "x"}, "ongoing_services", "x", "1–9"),
    ],
)
def test_read_referrals__rejects_row_with_reason(
    tmp_path: Path,
    helsinki: Contract,
    changes: dict[str, str],
    column: str,
    value: str,
    words: str,
) -> None:
    reject = read_one(tmp_path, helsinki, **changes)
    assert (reject.line, reject.column, reject.value) == (2, column, value)
    assert words in reject.reason
    assert reject.reason.endswith(".")
    for raw in (CHILD_A, BAD_CHECK, IMPOSSIBLE_BIRTH, TEMPORARY):
        assert raw not in shown([reject])


def test_read_referrals__a_referral_id_that_is_an_identity_code_is_rejected_masked(
    tmp_path: Path, helsinki: Contract
) -> None:
    reject = read_one(tmp_path, helsinki, referral_id=CHILD_B)
    assert reject.column == "referral_id"
    assert reject.value == mask(CHILD_B)
    assert "looks like an identity code" in reject.reason
    assert CHILD_B not in shown([reject])


def test_read_referrals__a_code_in_another_cell_is_masked(
    tmp_path: Path, helsinki: Contract
) -> None:
    reject = read_one(tmp_path, helsinki, behaviour=CHILD_B)
    assert reject.value == mask(CHILD_B)
    assert CHILD_B not in shown([reject])


def test_read_referrals__a_repeated_referral_id_is_rejected(
    tmp_path: Path, helsinki: Contract
) -> None:
    rows = [HEADER, row(), row(hetu=CHILD_B), row(referral_id="R-2", hetu=CHILD_B)]
    referrals, rejects = read_referrals(write(tmp_path / "r.csv", rows), helsinki)
    assert [r.referral_id for r in referrals] == ["R-1", "R-2"]
    [reject] = rejects
    assert (reject.line, reject.column) == (3, "referral_id")
    assert "already used on line 2" in reject.reason


def test_read_referrals__good_rows_are_kept_beside_rejected_ones(
    tmp_path: Path, helsinki: Contract
) -> None:
    rows = [
        HEADER,
        row(hetu=BAD_CHECK),
        row(referral_id="R-2"),
        row(referral_id="R-3", district=""),
    ]
    referrals, rejects = read_referrals(write(tmp_path / "r.csv", rows), helsinki)
    assert [(r.referral_id, r.line, r.district) for r in referrals] == [
        ("R-2", 3, "Vuosaari"),
        ("R-3", 4, ""),
    ]
    assert [(r.line, r.column) for r in rejects] == [(2, "hetu")]
