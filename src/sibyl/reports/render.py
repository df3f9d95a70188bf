"""Rendering an edition of the annual report: HTML with Jinja2, PDF with Typst.

Both take the same :class:`~sibyl.reports.edition.Document` (figures already formatted and
suppressed) and only lay it out, so the HTML and the PDF always say the same.

* :func:`html`: one self-contained file: its styles inside, the charts as SVG data URIs, no
  script and nothing fetched from elsewhere.
* :func:`pdf`: the document as JSON and the charts as SVG files in a temporary folder, compiled
  by the ``typst`` package, which bundles its compiler and fonts (no network, no system
  libraries, system fonts ignored so every machine gives the same pages). Typst sets the JSON's
  strings as text, never as markup.
"""

from __future__ import annotations

import base64
import json
import tempfile
from dataclasses import fields, is_dataclass
from importlib import resources
from pathlib import Path

from sibyl.reports.edition import Chart, Document, Table

_TEMPLATES = "templates"


def _template_text(name: str) -> str:
    return (resources.files("sibyl.reports") / _TEMPLATES / name).read_text(encoding="utf-8")


def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("sibyl.reports", _TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def html(document: Document) -> str:
    """The edition as one HTML file."""
    charts = {
        block.key: base64.b64encode(block.svg).decode("ascii")
        for section in document.sections
        for block in section.blocks
        if isinstance(block, Chart)
    }
    template = _environment().get_template("report.html.j2")
    return template.render(doc=document, charts=charts, css=_template_text("report.css"))


def _plain(value):
    """The document as JSON-able data, with each table's alignment and each chart's file."""
    if isinstance(value, Table):
        data = {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
        data["numeric"] = value.numeric
        if not data["widths"] or len(data["widths"]) != len(value.head):
            data["widths"] = [1] * len(value.head)
        return data
    if isinstance(value, Chart):
        return {
            "type": "chart",
            "key": value.key,
            "file": f"chart-{value.key}.svg",
            "alt": value.alt,
            "caption": value.caption,
        }
    if is_dataclass(value):
        data = {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
        if hasattr(value, "numeric") and "numeric" not in data:
            data["numeric"] = value.numeric
        return data
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)  # Decimals and dates: the cells already carry their text


def document_json(document: Document) -> str:
    """The document as the Typst template reads it."""
    return json.dumps(_plain(document), ensure_ascii=False, indent=None)


def pdf(document: Document) -> bytes:
    """The edition as PDF bytes."""
    import typst

    with tempfile.TemporaryDirectory(prefix="sibyl-report-") as folder:
        root = Path(folder)
        (root / "document.json").write_text(document_json(document), encoding="utf-8")
        for section in document.sections:
            for block in section.blocks:
                if isinstance(block, Chart):
                    (root / f"chart-{block.key}.svg").write_bytes(block.svg)
        source = root / "report.typ"
        source.write_text(_template_text("report.typ"), encoding="utf-8")
        return typst.compile(str(source), root=str(root), ignore_system_fonts=True)
