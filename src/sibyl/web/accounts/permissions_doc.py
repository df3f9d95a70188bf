"""The table of ``docs/permissions.md``, made from the rules the views declare, so that the
document cannot drift from the code (``tests/web/test_permissions_doc.py`` compares them).

``python -m sibyl.web.accounts.permissions_doc --write`` rewrites the generated parts of
``docs/permissions.md``; without ``--write`` it prints them.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sibyl.web.accounts.access import API, PUBLIC, SIGNED_IN, Rule, rule_of
from sibyl.web.accounts.roles import Role

PAGES_START = "<!-- generated: pages (python -m sibyl.web.accounts.permissions_doc --write) -->"
PAGES_END = "<!-- end of generated pages -->"
API_START = "<!-- generated: api (python -m sibyl.web.accounts.permissions_doc --write) -->"
API_END = "<!-- end of generated api -->"
COLUMNS = [
    (Role.COORDINATOR, "coordinator"),
    (Role.REFERRER, "referrer"),
    (Role.PROVIDER, "provider"),
    (Role.FUND_MANAGER, "fund manager"),
    (Role.INVESTOR, "investor"),
    (Role.EVALUATOR, "evaluator"),
    (Role.ADMINISTRATOR, "administrator"),
]


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    rule: Rule
    summary: str


def _summary(view) -> str:
    doc = (getattr(view, "__doc__", None) or "").strip()
    if not doc and hasattr(view, "view_class"):
        doc = (view.view_class.__doc__ or "").strip()
    return doc.split("\n\n")[0].replace("\n", " ").strip() if doc else ""


def pages() -> list[Page]:
    """Every named URL of the site outside the JSON API, with its view's rule."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[Page] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "api":
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and entry.name:
                rule = rule_of(entry.callback)
                if rule is None:
                    raise LookupError(f"the view of {namespace}{entry.name} declares no rule")
                found.append(
                    Page(
                        namespace + entry.name,
                        "/" + prefix + str(entry.pattern),
                        rule,
                        _summary(entry.callback),
                    )
                )

    walk(get_resolver().url_patterns, "", "")
    return sorted(found, key=lambda page: (page.name.split(":")[0], page.route))


def _cell(rule: Rule, role: Role) -> str:
    if rule.kind == PUBLIC:
        return "anyone"
    if rule.kind == SIGNED_IN:
        return "✓"
    if role not in rule.roles:
        return "—"
    notes = dict(rule.only)
    return f"✓ {notes[role]}" if role in notes else "✓"


def _methods(rule: Rule) -> str:
    return ", ".join(sorted(m for m in rule.methods if m != "HEAD"))


def pages_table() -> str:
    head = ["page", "URL", "methods", *(label for _, label in COLUMNS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for page in pages():
        if page.rule.kind == API:
            continue
        title = f"`{page.name}`" + (f": {page.summary}" if page.summary else "")
        cells = [title, f"`{page.route}`", _methods(page.rule)]
        cells += [_cell(page.rule, role) for role, _ in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def api_table() -> str:
    """The API operations and their roles, as the API declares them (``sibyl.web.api``)."""
    try:
        from sibyl.web.api import operation_roles
    except ImportError:
        return "(the JSON API declares no operations yet)"
    head = ["operation", *(label for _, label in COLUMNS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (method, path), roles in sorted(
        operation_roles().items(), key=lambda i: (i[0][1], i[0][0])
    ):
        cells = [f"`{method} {path}`"] + ["✓" if role in roles else "—" for role, _ in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _replace(text: str, start: str, end: str, body: str) -> str:
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{body}\n{end}{after}"


def render(document: str) -> str:
    """``document`` with its generated parts made anew."""
    text = _replace(document, PAGES_START, PAGES_END, pages_table())
    if API_START in text:
        text = _replace(text, API_START, API_END, api_table())
    return text


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibyl.web.settings")
    import django

    django.setup()
    path = Path(__file__).resolve().parents[4] / "docs" / "permissions.md"
    if "--write" in argv:
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {path}")
    else:
        print(pages_table())
        print()
        print(api_table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
