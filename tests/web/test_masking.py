"""No identity code in what the web application writes: log lines, paths shown back in a page."""

from __future__ import annotations

import logging

from django.test import Client
from webworld import CODE_1

from sibyl.web.ui.masking import MaskIdentityCodes, masked_path, masked_text


def test_masked_text__hides_the_individual_part_of_every_code():
    text = f"Not Found: /families/{CODE_1}/ and {CODE_1.lower()}"
    masked = masked_text(text)
    assert CODE_1 not in masked
    assert CODE_1.lower() not in masked
    assert masked == f"Not Found: /families/{CODE_1[:7]}****/ and {CODE_1.lower()[:7]}****"


def test_masked_path__masks_only_the_segment_with_the_code():
    assert masked_path(f"/families/{CODE_1}/reveal/") == f"/families/{CODE_1[:7]}****/reveal/"
    assert masked_path("/families/ps-abc/") == "/families/ps-abc/"


def test_log_filter__django_request_lines_are_masked(caplog):
    logger = logging.getLogger("django.request")
    record = logger.makeRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", (f"/families/{CODE_1}/",), None)  # fmt: skip
    assert MaskIdentityCodes().filter(record)
    assert record.getMessage() == f"Not Found: /families/{CODE_1[:7]}****/"


def test_language_switch__does_not_repeat_a_code_typed_into_the_address(db):
    page = Client().get(f"/accounts/login/?next=/families/{CODE_1}/")
    assert page.status_code == 200
    assert CODE_1 not in page.content.decode()


def test_address__a_control_character_answers_404_not_a_server_error(client_for, world):
    """No record is named with a NUL (PostgreSQL could not even look one up)."""
    client = client_for("coordinator")
    for address in ("/families/ps-a%00b/", "/referrals/R%001/", "/api/referrals/R%00"):
        assert client.get(address).status_code == 404, address
    # A query value with a NUL is the view's form's to refuse.
    assert client.get("/families/?q=%00").status_code == 400
