"""The evaluator's pseudonymised research extracts (:mod:`sibyl.web.store.research`).

``GET /research/extracts`` lists them (columns, row counts); ``GET /research/extracts/{name}``
sends one as CSV (UTF-8) or Parquet, built from the store with research ids (``rs-…``), and the
store writes the download to the audit log (who, which extract and format, rows, SHA-256).
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema
from ninja.errors import HttpError
from pydantic import Field

from sibyl.web.accounts.roles import Role
from sibyl.web.api.auth import Operations, caller
from sibyl.web.store import research

router = Operations(tags=["research"])


class ColumnOut(Schema):
    name: str
    type: str = Field(description="text, date, integer, true/false or decimal (euros)")
    description: str


class ExtractOut(Schema):
    name: str
    title: str
    description: str
    rows: int
    columns: list[ColumnOut]
    formats: list[str]


class CatalogueOut(Schema):
    extracts: list[ExtractOut]
    withdrawn: int = Field(description="children left out of every extract: consent withdrawn")


class FormatQuery(Schema):
    format: Literal["csv", "parquet"] = Field("csv", description="CSV (UTF-8) or Parquet")


@router.get("/research/extracts", roles=(Role.EVALUATOR,), response=CatalogueOut)
def list_research_extracts(request: HttpRequest):
    """Each research extract with its description, its columns and its rows today."""
    found = research.catalogue(caller(request).profile.contract_id)
    return {
        "extracts": [
            {
                "name": listed.extract.name,
                "title": str(listed.extract.title),
                "description": str(listed.extract.description),
                "rows": listed.rows,
                "columns": [
                    {
                        "name": column.name,
                        "type": column.type_name,
                        "description": str(column.description),
                    }
                    for column in listed.extract.columns
                ],
                "formats": list(research.FORMATS),
            }
            for listed in found.extracts
        ],
        "withdrawn": found.withdrawn,
    }


BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/research/extracts/{name}",
    roles=(Role.EVALUATOR,),
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "the extract as a file (attachment)",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/vnd.apache.parquet": BINARY,
                },
            }
        }
    },
)
def download_research_extract(request: HttpRequest, name: str, query: Query[FormatQuery]):
    """One extract as CSV or Parquet (attachment). Every download is written to the audit log
    with the SHA-256 of the file sent. An unknown extract answers 404."""
    if name not in research.EXTRACTS:
        raise HttpError(
            404,
            "there is no research extract of this name; use one of: "
            + ", ".join(research.EXTRACTS),
        )
    who = caller(request)
    sent = research.download(who.profile.contract_id, name, query.format, actor=who.username)
    response = HttpResponse(sent.content, content_type=sent.media_type)
    response["Content-Disposition"] = f'attachment; filename="{sent.filename}"'
    response["Cache-Control"] = "no-store"
    return response
