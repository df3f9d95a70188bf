"""``sibyl screen``: referrals in, decisions out, exit codes, and no identity code in the output."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from cli_runner import sibyl as run
from sibyl.identity import make, mask

CHILD_A = make(date(2018, 6, 15), 123)  # 4 on 2022-09-01
CHILD_B = make(date(2016, 3, 10), 456, new_century_signs=True)  # 6 on 2022-09-01
CHILD_C = make(date(2015, 1, 2), 789)  # 7 on 2022-09-01: too old
BAD_CODE = CHILD_A[:-1] + ("B" if CHILD_A[-1] != "B" else "C")
CODES = (CHILD_A, CHILD_B, CHILD_C, BAD_CODE)

HEADER = (
    "referral_id;hetu;referred_on;district;referral_source;concentration;behaviour;"
    "social_interaction;emotional_life;parent_no_education;parent_out_of_work;"
    "parenting_difficulties;stressful_life_situation;ongoing_services\n"
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def no_codes(*texts: str) -> None:
    for text in texts:
        for code in CODES:
            assert code not in text


@pytest.fixture
def referrals(tmp_path: Path) -> Path:
    (tmp_path / "referrals.csv").write_text(
        HEADER
        + f"R-1;{CHILD_A};2022-09-01;Vuosaari;varhaiskasvatus;1;1;0;0;0;1;0;1;\n"
        + f"R-2;{CHILD_B};1.9.2022;mellunkylä;neuvola;1;0;0;0;0;1;0;1;5\n"
        + f"R-3;{CHILD_C};2022-09-01;Kallio;muu;1;1;1;1;1;1;1;1;9\n",
        encoding="utf-8",
    )
    return tmp_path


def test_screen__writes_one_decision_per_referral(referrals: Path) -> None:
    result = run(
        "screen", "--contract", "helsinki", "referrals.csv", "--out", "d.csv", cwd=referrals
    )
    assert result.returncode == 0, result.stderr
    assert read_csv(referrals / "d.csv") == [
        {"referral_id": "R-1", "eligible": "true", "failed": ""},
        {"referral_id": "R-2", "eligible": "false", "failed": "difficulties ongoing_services"},
        {"referral_id": "R-3", "eligible": "false", "failed": "age district referral_source"},
    ]
    assert "eligible" in result.stdout
    assert "failed: ongoing_services" in result.stdout
    no_codes(result.stdout, result.stderr, (referrals / "d.csv").read_text(encoding="utf-8"))


def test_screen__summary_counts(referrals: Path) -> None:
    result = run("screen", "referrals.csv", "--out", "d.csv", cwd=referrals)
    lines = {" ".join(line.strip("│ ").split()) for line in result.stdout.splitlines()}
    assert any(line.startswith("eligible │ 1") for line in lines), result.stdout
    assert any(line.startswith("not eligible │ 2") for line in lines), result.stdout
    assert any(line.startswith("failed: age │ 1") for line in lines), result.stdout


def test_screen__rejected_rows_are_shown_masked_and_exit_1(referrals: Path) -> None:
    with open(referrals / "referrals.csv", "a", encoding="utf-8") as stream:
        stream.write(f"R-4;{BAD_CODE};2022-09-01;Vuosaari;neuvola;1;1;0;0;0;1;0;1;\n")
        stream.write(f"R-5;{CHILD_A};2022-09-01;Vuosaari;kirjasto;1;1;0;0;0;1;0;1;\n")
    result = run("screen", "referrals.csv", "--out", "d.csv", cwd=referrals)
    assert result.returncode == 1
    assert mask(BAD_CODE) in result.stderr
    assert "check character" in result.stderr
    assert "'kirjasto' is not known" in result.stderr
    assert [row["referral_id"] for row in read_csv(referrals / "d.csv")] == ["R-1", "R-2", "R-3"]
    no_codes(result.stdout, result.stderr, (referrals / "d.csv").read_text(encoding="utf-8"))


def test_screen__missing_column_is_unusable_input(tmp_path: Path) -> None:
    (tmp_path / "referrals.csv").write_text("referral_id;hetu\nR-1;" + CHILD_A + "\n")
    result = run("screen", "referrals.csv", "--out", "d.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: referrals.csv: the referral file has no column")
    assert not (tmp_path / "d.csv").exists()


def test_screen__an_unknown_item_column_is_unusable_input(referrals: Path) -> None:
    """A column the contract does not ask (here Vantaa's ``attention``) refuses the file: line 1
    and the column named, exit status 2, no decisions written."""
    text = (referrals / "referrals.csv").read_text(encoding="utf-8").splitlines()
    lines = [text[0].replace(";ongoing_services", ";attention;ongoing_services")]
    lines += [line[: line.rindex(";")] + ";1" + line[line.rindex(";") :] for line in text[1:]]
    (referrals / "referrals.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("screen", "referrals.csv", "--out", "d.csv", cwd=referrals)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: referrals.csv, line 1, column 'attention': the column 'attention' is neither a "
        "referral item of the contract helsinki"
    )
    assert not (referrals / "d.csv").exists()
    no_codes(result.stdout, result.stderr)


def test_screen__missing_file_is_unusable_input(tmp_path: Path) -> None:
    result = run("screen", "nothing.csv", "--out", "d.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_screen__missing_output_folder_is_unusable_input(referrals: Path) -> None:
    result = run("screen", "referrals.csv", "--out", "no/d.csv", cwd=referrals)
    assert result.returncode == 2
    assert "the folder to write into does not exist" in result.stderr
    assert list(referrals.iterdir()) == [referrals / "referrals.csv"]


def test_screen__ongoing_services_from_the_register(referrals: Path) -> None:
    (referrals / "extract.csv").write_text(
        "hetu;service;start;end\n"
        f"{CHILD_A};4;2022-01-01;\n"  # ongoing on 2022-09-01: R-1 fails
        f"{CHILD_B};5;2021-01-01;2022-08-31\n"  # ended the day before: R-2 passes this one
        f"{CHILD_C};9;2022-08-01;\n",
        encoding="utf-8",
    )
    result = run(
        "screen",
        "referrals.csv",
        "--out",
        "d.csv",
        "--register",
        "extract.csv",
        "--as-of",
        "2022-12-31",
        cwd=referrals,
    )
    assert result.returncode == 0, result.stderr
    assert read_csv(referrals / "d.csv") == [
        {"referral_id": "R-1", "eligible": "false", "failed": "ongoing_services"},
        {"referral_id": "R-2", "eligible": "false", "failed": "difficulties"},
        {"referral_id": "R-3", "eligible": "false", "failed": "age district referral_source"},
    ]
    no_codes(result.stdout, result.stderr)


def test_screen__register_rejects_exit_1(referrals: Path) -> None:
    (referrals / "extract.csv").write_text(
        f"hetu;service;start;end\n{BAD_CODE};4;2022-01-01;\n", encoding="utf-8"
    )
    args = ["--register", "extract.csv", "--as-of", "2022-12-31"]
    result = run("screen", "referrals.csv", "--out", "d.csv", *args, cwd=referrals)
    assert result.returncode == 1
    assert mask(BAD_CODE) in result.stderr
    no_codes(result.stdout, result.stderr)


def test_screen__register_needs_as_of(referrals: Path) -> None:
    (referrals / "extract.csv").write_text("hetu;service;start;end\n", encoding="utf-8")
    result = run(
        "screen", "referrals.csv", "--out", "d.csv", "--register", "extract.csv", cwd=referrals
    )
    assert result.returncode == 2
    assert "--register needs the extract's as-of date" in result.stderr


def test_screen__as_of_without_register_is_refused(referrals: Path) -> None:
    result = run(
        "screen", "referrals.csv", "--out", "d.csv", "--as-of", "2022-12-31", cwd=referrals
    )
    assert result.returncode == 2
    assert "no --register was given" in result.stderr


def test_screen__a_pseudonymised_register_is_refused(referrals: Path) -> None:
    (referrals / "extract.csv").write_text(
        "pseudonym;service;start;end\nps-x;4;2022-01-01;\n", encoding="utf-8"
    )
    args = ["--register", "extract.csv", "--as-of", "2022-12-31"]
    result = run("screen", "referrals.csv", "--out", "d.csv", *args, cwd=referrals)
    assert result.returncode == 2
    assert "by pseudonym" in result.stderr
    assert not (referrals / "d.csv").exists()


def test_screen__help_names_the_options(tmp_path: Path) -> None:
    result = run("screen", "--help", cwd=tmp_path)
    assert result.returncode == 0
    for option in ("--contract", "--out", "--register", "--as-of"):
        assert option in result.stdout


def test_screen__warns_of_referrals_after_the_extract(referrals: Path) -> None:
    (referrals / "extract.csv").write_text("hetu;service;start;end\n", encoding="utf-8")
    args = ["--register", "extract.csv", "--as-of", "2022-08-31"]
    result = run("screen", "referrals.csv", "--out", "d.csv", *args, cwd=referrals)
    assert result.returncode == 0, result.stderr
    assert "warning: 3 referral(s) are dated after the extract's as-of date" in result.stderr
