"""The register imports pages: upload (with and without htmx), the import report, the rejects.

The world (conftest) holds one extract as of 2023-03-31 (import ``world.register_import_id``)
with four rows: R-1's service 5 in March 2022, R-3's service 1 in June 2022, a row of a person
outside the cohort, and line 5 with an identity code whose check character is wrong (rejected).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from webworld import CODE_1, CODE_2, CODE_3, CODE_4, CODE_OUTSIDE

from sibyl import identity
from sibyl.web.audit.models import AuditEntry
from sibyl.web.imports.models import RegisterImport, RejectedRow, ServiceEpisode

ALL_CODES = (CODE_1, CODE_2, CODE_3, CODE_4, CODE_OUTSIDE)
BAD_CODE = CODE_1[:-1] + ("X" if CODE_1[-1] != "X" else "Y")  # a wrong check character


def store_counts() -> tuple[int, int, int, int]:
    return (
        RegisterImport.objects.count(),
        ServiceEpisode.objects.count(),
        RejectedRow.objects.count(),
        AuditEntry.objects.count(),
    )


def upload(
    client, name: str, content: bytes, *, as_of="2023-06-30", services=None, htmx=False, page=""
):
    data = {
        "file": SimpleUploadedFile(name, content),
        "as_of": as_of,
        "services": services if services is not None else list(range(1, 10)),
    }
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    if page:
        extra["HTTP_HX_CURRENT_URL"] = "http://testserver" + page
    return client.post(reverse("imports:upload"), data, **extra)


def assert_no_identity_code(text: str, *codes: str) -> None:
    for code in (*ALL_CODES, *codes):
        assert code not in text


NEWER = (
    "hetu,service,start,end,days\n"
    f"{CODE_1},5,2022-03-01,2022-04-30,\n"
    f"{BAD_CODE},4,2023-01-02,2023-01-31,\n"
).encode()


@pytest.mark.django_db
def test_upload__rejected_row_is_stored_and_the_report_shows_it_masked(world, client_for):
    client = client_for("coordinator")
    before = store_counts()

    response = upload(client, "extract_2023-06-30.csv", NEWER)

    imported = RegisterImport.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", kwargs={"pk": imported.pk})
    # Two rows: one accepted (R-1, in the cohort, stored), one rejected (line 3).
    assert (imported.rows, imported.accepted, imported.rejected) == (2, 1, 1)
    assert imported.file_name == "extract_2023-06-30.csv"  # the original name, kept
    assert imported.as_of == date(2023, 6, 30)
    assert store_counts()[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
    reject = RejectedRow.objects.get(register_import=imported)
    assert (reject.line, reject.column) == (3, "hetu")
    assert reject.value == identity.mask(BAD_CODE) == BAD_CODE[:7] + "****"

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert BAD_CODE[:7] + "****" in text
    assert reject.reason in text
    assert_no_identity_code(text, BAD_CODE)


@pytest.mark.django_db
def test_upload_with_htmx__answers_the_panel_with_the_import_report(world, client_for):
    client = client_for("coordinator")

    response = upload(client, "extract_2023-06-30.csv", NEWER, htmx=True, page="/imports/upload/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text  # a fragment, swapped into the page
    assert 'id="upload-panel"' in text
    assert "Import report: extract_2023-06-30.csv" in text
    assert BAD_CODE[:7] + "****" in text
    assert "hx-swap-oob" not in text  # the upload page has no tables of extracts
    assert_no_identity_code(text, BAD_CODE)


@pytest.mark.django_db
def test_upload_with_htmx_from_the_list__refreshes_its_tables_out_of_band(world, client_for):
    client = client_for("coordinator")

    text = upload(
        client, "extract_2023-06-30.csv", NEWER, htmx=True, page="/imports/"
    ).content.decode()

    table = text.split('<div id="imports-table" hx-swap-oob="true">', 1)[1]
    assert "extract_2023-06-30.csv" in table
    assert "extract_2023-03-31.csv" in table
    in_use = text.split('id="imports-in-use" hx-swap-oob="true">', 1)[1].split("</table>")[0]
    assert in_use.count("extract_2023-06-30.csv") == 9  # newest, covering all nine services


@pytest.mark.django_db
def test_upload__missing_start_column__one_sentence_error_400_and_nothing_stored(world, client_for):
    client = client_for("coordinator")
    before = store_counts()
    broken = f"hetu,service,end\n{CODE_1},5,2022-03-31\n".encode()

    for htmx in (False, True):
        response = upload(client, "broken.csv", broken, htmx=htmx)
        text = response.content.decode()
        assert response.status_code == 400
        assert 'class="error-box"' in text
        # The store's sentence names the file by its own name, not the temporary path.
        error = text.split('class="error-box" role="alert"><p>', 1)[1].split("</p>", 1)[0]
        assert error.startswith("broken.csv")
        assert "start" in error
        assert error.endswith(".")
        assert "sibyl-upload-" not in text
        assert_no_identity_code(text)
    assert store_counts() == before


@pytest.mark.django_db
def test_upload__service_outside_the_chosen_services__400_and_nothing_stored(world, client_for):
    client = client_for("coordinator")
    before = store_counts()

    two_services = f"hetu,service,start,end\n{CODE_1},5,2022-03-01,\n{CODE_3},1,2022-06-01,\n"

    response = upload(client, "partial.csv", two_services.encode(), services=[5])

    assert response.status_code == 400
    assert "partial.csv: the extract has rows of service(s) 1" in response.content.decode()
    assert store_counts() == before


@pytest.mark.django_db
def test_upload__same_file_twice__says_it_was_already_imported(world, client_for):
    client = client_for("coordinator")
    before = store_counts()

    response = upload(client, world.extract.name, world.extract.read_bytes(), as_of="2023-03-31")

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "imports:detail", kwargs={"pk": world.register_import_id}
    )
    assert store_counts() == before
    page = client.get(response["Location"])
    assert "was already imported" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "as_of", "services", "message"),
    [
        ("extract.txt", NEWER, "2023-06-30", None, "neither a CSV file"),
        ("extract.csv", NEWER, "30.13.2023", None, "The as-of date is not a date"),
        ("extract.csv", NEWER, "2023-06-30", [], "Choose at least one service"),
        ("extract.csv", b"", "2023-06-30", None, "The file is empty"),
    ],
)
def test_upload__unusable_form__says_what_to_fix_and_stores_nothing(
    world, client_for, name, content, as_of, services, message
):
    client = client_for("coordinator")
    before = store_counts()

    response = upload(client, name, content, as_of=as_of, services=services)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert store_counts() == before


@pytest.mark.django_db
def test_upload__excel_workbook_is_read_like_a_csv(world, client_for):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["hetu", "service", "start", "end", "days"])
    sheet.append([CODE_3, "1", "2022-07-01", "2022-07-05", None])
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for("coordinator")

    response = upload(client, "extract.xlsx", buffer.getvalue(), services=[1, 2, 3, 6])

    imported = RegisterImport.objects.latest("id")
    assert response.status_code == 302
    assert (imported.file_name, imported.rows, imported.accepted) == ("extract.xlsx", 1, 1)
    assert imported.services == [1, 2, 3, 6]


@pytest.mark.django_db
def test_rejects_csv__masked_rows_and_an_audit_entry(world, client_for):
    client = client_for("coordinator")
    reject = RejectedRow.objects.get(register_import_id=world.register_import_id)

    response = client.get(reverse("imports:rejects", kwargs={"pk": world.register_import_id}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    # The world's extract: header on line 1, the broken code of R-1 on line 5.
    assert rows == [
        ["file", "line", "column", "value", "reason"],
        ["extract_2023-03-31.csv", "5", "hetu", CODE_1[:7] + "****", reject.reason],
    ]
    assert_no_identity_code(response.content.decode(), world.extract.read_text().split()[-1])
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor, entry.object_id) == (
        "import.rejects_export",
        "coordinator",
        str(world.register_import_id),
    )
    assert entry.details == {"file": "extract_2023-03-31.csv", "rows": 1}


@pytest.mark.django_db
def test_list__a_newer_extract_of_some_services_supersedes_the_older_only_for_those(
    world, client_for
):
    client = client_for("coordinator")
    upload(client, "extract_1-8.csv", NEWER, services=list(range(1, 9)))
    newer = RegisterImport.objects.latest("id")

    page = client.get(reverse("imports:list")).content.decode()
    old_report = client.get(
        reverse("imports:detail", kwargs={"pk": world.register_import_id})
    ).content.decode()

    # Rule (docs/store.md): the newest extract covering a service is used for it.
    rows = page.split("<tbody>")[2].split("</tbody>")[0].split("<tr>")[1:]
    newer_row = next(row for row in rows if "extract_1-8.csv" in row)
    older_row = next(row for row in rows if "extract_2023-03-31.csv" in row)
    assert "<td>1–8</td>" in newer_row  # in use for 1–8
    assert "<td>9</td>" in older_row  # in use for 9 only
    assert old_report.count("superseded") == 8
    assert f'href="{reverse("imports:detail", kwargs={"pk": newer.pk})}"' in old_report
    assert_no_identity_code(page + old_report, BAD_CODE)


@pytest.mark.django_db
def test_upload_page__renders_the_progress_form(world, client_for):
    text = client_for("coordinator").get(reverse("imports:upload")).content.decode()

    assert 'hx-encoding="multipart/form-data"' in text
    assert 'data-progress="upload-progress"' in text
    assert '<progress id="upload-progress"' in text
    assert 'class="htmx-indicator' in text
    assert 'enctype="multipart/form-data"' in text  # the plain form works without JavaScript
