"""The pages' translation catalogues (Finnish and Swedish; English is the source), without GNU
gettext: messages are found by Django's own template parser (``templatize``) and Babel's Python
extractor, and catalogues are compiled by Babel.

``python -m sibyl.web.translations update`` adds new messages to
``src/sibyl/web/locale/{fi,sv}/LC_MESSAGES/django.po`` (keeping every translation) and marks the
ones no longer used obsolete; ``python -m sibyl.web.translations compile`` writes the ``.mo``
files the application reads. ``tests/web/test_translations.py`` fails when a message of a page
has no Finnish or Swedish translation, or a ``.mo`` file is older than its ``.po``.

Babel is a development dependency: the application itself reads only the committed ``.mo`` files.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

WEB = Path(__file__).resolve().parent
MECHANISMS = WEB.parent / "mechanisms"
LOCALE = WEB / "locale"
LANGUAGES = ("fi", "sv")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "N_": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
"""Babel's keyword specs: ``pgettext(context, message)`` and the plural forms."""


def sources() -> Iterator[Path]:
    """The files whose messages are translated: the web application's templates and Python, and
    the payment mechanisms' page templates and the words they mark with ``N_``."""
    for path in sorted(WEB.rglob("*")):
        if "migrations" in path.parts or "locale" in path.parts or not path.is_file():
            continue
        if path.suffix in (".html", ".txt", ".py"):
            yield path
    for path in sorted(MECHANISMS.rglob("*")):
        if path.is_file() and (
            (path.suffix == ".html" and "templates" in path.parts) or path.suffix == ".py"
        ):
            yield path


Key = tuple[str | tuple[str, ...], str | None]
"""A message: ``(msgid or (singular, plural), context)``."""

COMMENT_TAGS = ["Translators:"]
"""Comments that go with a message into the catalogues (``{# Translators: ... #}``,
``# Translators: ...``)."""


def extract() -> dict[Key, list[tuple[str, int]]]:
    """Every message: ``(msgid or (singular, plural), context) -> [(file, line), ...]``."""
    return extract_with_comments()[0]


def extract_with_comments() -> tuple[dict[Key, list[tuple[str, int]]], dict[Key, list[str]]]:
    """Every message with its places, and the translators' comments written beside them."""
    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    found: dict[Key, list[tuple[str, int]]] = {}
    notes: dict[Key, list[str]] = {}
    for path in sources():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            code = text
        else:
            # templatize() keeps the template's indentation, which Python's tokenizer (unlike
            # xgettext) refuses; each message is one line there, so the indentation can go.
            code = "\n".join(row.lstrip() for row in templatize(text, origin=str(path)).split("\n"))
        stream = io.BytesIO(code.encode("utf-8"))
        for line, _function, message, comments in extract_python(
            stream, KEYWORDS, COMMENT_TAGS, {"encoding": "utf-8"}
        ):
            context = None
            if isinstance(message, tuple) and _function.startswith(("pgettext", "npgettext")):
                context, message = message[0], message[1:]
                message = message[0] if len(message) == 1 else message
            if isinstance(message, tuple):
                message = tuple(part for part in message if part is not None)
                if len(message) == 1:
                    message = message[0]
            if not message:
                continue
            where = (str(path.relative_to(WEB.parent.parent.parent)), line)
            found.setdefault((message, context), []).append(where)
            for comment in comments:
                if comment not in notes.get((message, context), []):
                    notes.setdefault((message, context), []).append(comment)
    return found, notes


def _po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish (Finland)"}


def _header(catalog, language: str) -> None:
    """The catalogue's header: Sibyl's own, never fuzzy (Babel marks a new one fuzzy)."""
    catalog.fuzzy = False
    catalog.project = "Sibyl"
    catalog.version = ""
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "Sibyl translators"
    catalog.language_team = f"{LANGUAGE_NAMES[language]} (Sibyl)"
    catalog.header_comment = (
        f"# {LANGUAGE_NAMES[language]} translations of Sibyl's pages.\n"
        "# Written with `python -m sibyl.web.translations update` (new messages in, translations\n"
        "# kept) and compiled with `... compile`; tests/web/test_translations.py checks them."
    )


def update() -> None:
    """Add new messages to each catalogue, keep translations, mark unused ones obsolete."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(project="Sibyl", charset="utf-8")

    def order(item) -> tuple[str, str]:
        (message, context), _places = item
        first = message if isinstance(message, str) else message[0]
        return (first.casefold(), context or "")

    found, notes = extract_with_comments()
    for (message, context), places in sorted(found.items(), key=order):
        template.add(
            message,
            locations=places,
            context=context,
            auto_comments=notes.get((message, context), ()),
        )
    for language in LANGUAGES:
        path = _po_path(language)
        if path.exists():
            with path.open("rb") as stream:
                catalog = read_po(stream, locale=language)
        else:
            catalog = Catalog(locale=language, project="Sibyl", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        _header(catalog, language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            write_po(stream, catalog, width=100, omit_header=False, ignore_obsolete=True)


def compile_catalogues() -> list[Path]:
    """Write each ``django.mo`` from its ``django.po``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for language in LANGUAGES:
        path = _po_path(language)
        with path.open("rb") as stream:
            catalog = read_po(stream, locale=language)
        target = path.with_suffix(".mo")
        with target.open("wb") as stream:
            write_mo(stream, catalog, use_fuzzy=False)
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=True)
        django.setup()
    if not argv or argv[0] not in ("update", "compile"):
        print("usage: python -m sibyl.web.translations update|compile", file=sys.stderr)
        return 2
    if argv[0] == "update":
        update()
    else:
        for path in compile_catalogues():
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
