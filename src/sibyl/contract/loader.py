"""Loading contracts: a file or a built-in name to a checked :class:`Contract`.

The loader is strict. An unknown key, a bad date, a missing value or a value of the wrong kind is
refused with one sentence per problem that names the file, the line, the key and the fix. The
``payment`` section is checked in two steps: the envelope of every component here, then each
component by its mechanism's own model and checks (:mod:`sibyl.mechanisms`), with the same kind
of sentence.

A built-in contract is a folder of ``sibyl/contracts``: one ``contract.yaml``, or one file per
version (``v1.yaml``, ``v2.yaml``, …) when the contract has been amended. The version in force on
a day is the one with the latest ``valid_from`` on or before it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import typing
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sibyl.calendar import WorkCalendar
from sibyl.contract.model import ContractSpec, Parameter, Service
from sibyl.contract.prices import PriceList, load_prices
from sibyl.contract.upgrade import upgrade
from sibyl.errors import Location, SibylInputError
from sibyl.yamlfile import YamlDocument, parse_yaml, read_yaml

if typing.TYPE_CHECKING:
    from sibyl.mechanisms.base import Component, Labels

BUILTIN_PACKAGE = "sibyl.contracts"


class ContractError(SibylInputError):
    """A contract file that cannot be used; ``problems`` lists each problem as one sentence."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        Exception.__init__(self, "\n".join(problems))

    @property
    def message(self) -> str:  # type: ignore[override]
        return "\n".join(self.problems)


@dataclass(frozen=True)
class Contract:
    """A loaded contract: the checked file, its price list and its working-day calendar."""

    spec: ContractSpec
    source: str
    sha256: str
    prices: PriceList
    components: tuple[Component, ...] = ()
    upgraded_from: int | None = None  # the file's format, when it was read as an older format

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> int:
        return self.spec.version

    @property
    def label(self) -> str:
        return f"{self.spec.id} v{self.spec.version}"

    @cached_property
    def calendar(self) -> WorkCalendar:
        return calendar_of(self.spec)

    @cached_property
    def rules_sha256(self) -> str:
        """The fingerprint of the contract's rules: its content as checked, without the display
        names (the texts in fi/en/sv), so that a fixed translation is not a new version but a
        changed value, rule or forecast is (:func:`rules_sha256`)."""
        return rules_sha256(self.spec)

    @cached_property
    def services(self) -> dict[int, Service]:
        return {service.code: service for service in self.spec.services.items}

    @property
    def followup_end(self) -> date:
        return self.spec.dates.followup_end.value

    @property
    def enrolment_start(self) -> date:
        return self.spec.dates.enrolment_start.value

    @property
    def enrolment_end(self) -> date:
        return self.spec.dates.enrolment_end.value

    def parameter(self, name: str) -> Parameter[Any]:
        return getattr(self.spec.parameters, name)

    def value(self, name: str, on: date) -> Any:
        """The value of parameter ``name`` in force on ``on``."""
        try:
            return self.parameter(name).at(on)
        except LookupError as exc:
            raise SibylInputError(
                f"the contract parameter {name} has {exc} (asked for {on.isoformat()})",
                Location(self.source, key=f"parameters.{name}.values"),
                "add a value that starts on or before that day",
            ) from None

    def for_year(self, name: str, year: int) -> Any:
        """A yearly parameter: the value in force on 1 January of ``year``."""
        return self.value(name, date(year, 1, 1))

    def allows_temporary_codes(self, on: date) -> bool:
        return bool(self.value("allow_temporary_identity_codes", on))

    @property
    def care_day_services(self) -> list[int]:
        return sorted(code for code, s in self.services.items() if s.basis == "care_day")

    def pay_day(self, year: int) -> date:
        """The day on which the city pays the outcome payment of ``year`` (in the next year)."""
        return self.spec.payment.pay_day.in_year(year + 1)

    @property
    def labels(self) -> Labels:
        """The words for a child-year's base, deduction and payment: the mechanism's own when
        the contract has one component."""
        from sibyl.mechanisms.base import GENERIC_LABELS

        if len(self.components) == 1:
            return self.components[0].mechanism.labels
        return GENERIC_LABELS

    @property
    def needs_birth_years(self) -> bool:
        """Whether a payment component looks at the children's ages."""
        return any(c.mechanism.needs_birth_years(c.parameters) for c in self.components)

    @property
    def input_names(self) -> list[str]:
        """The files the payment components read besides the cohort and the register."""
        return sorted({name for c in self.components for name in c.mechanism.inputs})

    def find_parameter(self, name: str) -> Parameter[Any] | None:
        """A dated parameter by name: of ``parameters``, or of the first payment component that
        has one of that name; ``None`` when there is none."""
        if name in type(self.spec.parameters).model_fields:
            return self.parameter(name)
        for component in self.components:
            value = getattr(component.parameters, name, None)
            if isinstance(value, Parameter):
                return value
        return None

    def component(self, component_id: str) -> Component:
        for component in self.components:
            if component.id == component_id:
                return component
        raise KeyError(component_id)

    def with_parameters(self, **values: Any) -> Contract:
        """The same contract with some parameters set to one value from their first start date.

        A name is a parameter of ``parameters`` or of a payment component (the first component
        that has it). For what-if runs and tests; the result is checked as a file would be.
        """
        data = self.spec.model_dump(mode="python", exclude_none=True)
        components = data["payment"]["components"]
        for name, value in values.items():
            if name in data["parameters"]:
                target = data["parameters"][name]
            else:
                found = [
                    c for c in components if isinstance(c.get(name), dict) and "values" in c[name]
                ]
                if not found:
                    known = list(data["parameters"]) + [
                        key
                        for c in components
                        for key, v in c.items()
                        if isinstance(v, dict) and "values" in v
                    ]
                    raise SibylInputError(
                        f"the contract has no parameter {name!r}",
                        Location(self.source),
                        f"use one of {', '.join(known)}",
                    )
                target = found[0][name]
            first = min(target["values"])
            target["values"] = {first: value}
        try:
            spec = ContractSpec.model_validate(data)
            built = build_components(spec, None)
        except ValidationError as exc:
            first_error = exc.errors(include_url=False)[0]
            raise SibylInputError(
                f"invalid parameter value: {first_error['msg']}", Location(self.source)
            ) from None
        return replace(self, spec=spec, components=built)

    def with_prices(self, prices: PriceList) -> Contract:
        """The same contract with another price list (e.g. ``--prices``)."""
        return replace(self, prices=prices)


def _without_names(value: Any) -> Any:
    if isinstance(value, dict):
        if {"fi", "en"} <= set(value) <= {"fi", "en", "sv"}:
            return None
        return {key: _without_names(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [_without_names(item) for item in value]
    return value


def rules_sha256(spec: ContractSpec) -> str:
    """SHA-256 of the contract's content in a canonical form (JSON, keys sorted, dates and
    numbers as text) with every display name (a text in ``fi``/``en``/``sv``) left out."""
    data = _without_names(spec.model_dump(mode="json"))
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rules_sha256_of_text(text: str, source: str) -> str:
    """The rules fingerprint of a contract file's text (e.g. a version kept in the store)."""
    document = parse_yaml(text, source)
    return rules_sha256(parse_contract_document(document)[0])


def calendar_of(spec: ContractSpec) -> WorkCalendar:
    cal = spec.calendar
    return WorkCalendar(
        work_week=tuple(cal.work_week),
        country=cal.holidays,
        extra_days_off=tuple(cal.extra_days_off),
        extra_working_days=tuple(cal.extra_working_days),
    )


def builtin_names() -> list[str]:
    """The names of the contracts that ship with Sibyl."""
    root = resources.files(BUILTIN_PACKAGE)
    return sorted(
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and _version_files(Path(str(entry)))
    )


def _version_files(folder: Path) -> list[Path]:
    single = folder / "contract.yaml"
    if single.is_file():
        return [single]
    return sorted(
        folder.glob("v[0-9]*.yaml"), key=lambda p: int(p.stem[1:]) if p.stem[1:].isdigit() else 0
    )


@dataclass(frozen=True)
class VersionFile:
    """One version of a contract in a folder: its number, first day and file."""

    version: int
    valid_from: date
    path: Path


def contract_versions(folder: Path) -> list[VersionFile]:
    """The versions of the contract in ``folder``, oldest first (each file's ``version`` and
    ``valid_from`` as written; the whole file is checked when it is loaded)."""
    versions: list[VersionFile] = []
    for path in _version_files(folder):
        data = read_yaml(path).data
        try:
            versions.append(
                VersionFile(int(data["version"]), date.fromisoformat(str(data["valid_from"])), path)
            )
        except (KeyError, TypeError, ValueError):
            raise SibylInputError(
                "a contract version file needs its version and valid_from",
                Location(str(path)),
                "write version: N and valid_from: YYYY-MM-DD at the top",
            ) from None
    versions.sort(key=lambda v: v.version)
    for earlier, later in itertools.pairwise(versions):
        if later.valid_from <= earlier.valid_from or later.version == earlier.version:
            raise SibylInputError(
                f"version {later.version} of the contract does not start after version "
                f"{earlier.version}",
                Location(str(later.path), key="valid_from"),
                "give each later version a later valid_from and a higher version",
            )
    return versions


def pick_version(
    versions: list[VersionFile], *, on: date | None = None, version: int | None = None
) -> VersionFile:
    """The version numbered ``version``, or the one in force on ``on`` (the first version for a
    day before it), or the latest."""
    if version is not None:
        for candidate in versions:
            if candidate.version == version:
                return candidate
        raise SibylInputError(
            f"the contract has no version {version}",
            Location(str(versions[0].path.parent)),
            f"use one of {', '.join(str(v.version) for v in versions)}",
        )
    if on is None:
        return versions[-1]
    in_force = [v for v in versions if v.valid_from <= on]
    return in_force[-1] if in_force else versions[0]


def builtin_folder(name: str) -> Path:
    folder = Path(str(resources.files(BUILTIN_PACKAGE) / name))
    if not folder.is_dir() or not _version_files(folder):
        raise SibylInputError(
            f"there is no built-in contract {name!r}",
            None,
            f"use one of {', '.join(builtin_names())} or give the path of a contract file",
        )
    return folder


def builtin_path(name: str, *, on: date | None = None, version: int | None = None) -> Path:
    return pick_version(contract_versions(builtin_folder(name)), on=on, version=version).path


def resolve(
    name_or_path: str | Path, *, on: date | None = None, version: int | None = None
) -> Path:
    """A built-in contract's name, or a path to a contract file (or its folder); for a contract
    with several versions, the one in force ``on`` a day (or numbered ``version``)."""
    text = str(name_or_path)
    candidate = Path(text)
    if candidate.is_dir() and _version_files(candidate):
        return pick_version(contract_versions(candidate), on=on, version=version).path
    if candidate.suffix.lower() in (".yaml", ".yml") or candidate.exists():
        return candidate
    return builtin_path(text, on=on, version=version)


def load_contract(
    name_or_path: str | Path,
    *,
    prices: str | Path | None = None,
    display: str | None = None,
    on: date | None = None,
    version: int | None = None,
) -> Contract:
    """Load and check a contract; ``prices`` replaces the contract's own price list.

    For a contract with several versions, ``on`` picks the version in force on that day and
    ``version`` a version by its number; by default the latest.
    """
    path = resolve(name_or_path, on=on, version=version)
    source = display or (str(name_or_path) if Path(str(name_or_path)).is_file() else str(path))
    document = read_yaml(path)
    document.source = source
    spec, components, upgraded = parse_contract_document(document)
    services = {service.code: service.basis for service in spec.services.items}
    calendar = calendar_of(spec)
    if prices is not None:
        price_list = load_prices(Path(prices), services=services, calendar=calendar)
    elif spec.prices is not None:
        price_path = path.parent / spec.prices
        if not price_path.is_file():
            raise SibylInputError(
                f"the price list {spec.prices!r} named by the contract does not exist",
                Location(source, document.line_of(("prices",)), key="prices"),
                "put the price list beside the contract file or correct its name",
            )
        price_list = load_prices(price_path, services=services, calendar=calendar)
    else:
        price_list = PriceList(prices={}, source="(no price list)", sha256="", services=frozenset())
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return Contract(
        spec=spec,
        source=source,
        sha256=sha,
        prices=price_list,
        components=components,
        upgraded_from=upgraded,
    )


def parse_contract(document: YamlDocument) -> ContractSpec:
    """The contract file's model (every section checked, each component by its mechanism)."""
    return parse_contract_document(document)[0]


def parse_contract_document(
    document: YamlDocument,
) -> tuple[ContractSpec, tuple[Component, ...], int | None]:
    """The model, the payment components and, for an older format, the format it was in."""
    if not isinstance(document.data, dict):
        raise ContractError(
            [
                f"{document.source}, line 1: a contract file is a mapping of keys to values "
                "(id, version, title, …); start from docs/contract-format.md."
            ]
        )
    data, upgraded = upgrade(document.data)
    try:
        spec = ContractSpec.model_validate(data)
    except ValidationError as exc:
        raise ContractError(
            [_describe(error, document) for error in exc.errors(include_url=False)]
        ) from None
    return spec, build_components(spec, document), upgraded


def build_components(spec: ContractSpec, document: YamlDocument | None) -> tuple[Component, ...]:
    """Each payment component checked by its mechanism's model and checks."""
    from sibyl.mechanisms import registry
    from sibyl.mechanisms.base import Component

    problems: list[str] = []
    components: list[Component] = []
    source = document.source if document is not None else "contract"
    for index, envelope in enumerate(spec.payment.components):
        prefix: tuple[Any, ...] = ("payment", "components", index)
        try:
            mechanism = registry.get(envelope.mechanism)
        except KeyError:
            line = document.line_of((*prefix, "mechanism")) if document is not None else None
            where = f"{source}, line {line}" if line else source
            problems.append(
                f"{where}, key '{_path_text((*prefix, 'mechanism'))}': there is no payment "
                f"mechanism {envelope.mechanism!r}; write one of {', '.join(registry.names())}."
            )
            continue
        raw = envelope.model_dump(mode="python", exclude_none=False)
        raw.update(envelope.model_extra or {})
        try:
            parameters = mechanism.parameters.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                error = dict(error, loc=(*prefix, *error["loc"]))
                problems.append(
                    _describe(error, document, prefix=prefix, root=mechanism.parameters)
                    if document is not None
                    else f"{source}: {error['msg']}"
                )
            continue
        for problem in mechanism.check(parameters, spec):
            path = (*prefix, *problem.path)
            line = document.line_of(path) if document is not None else None
            where = f"{source}, line {line}, key {_path_text(path)!r}" if line else source
            problems.append(f"{where}: {problem.message}.")
        components.append(Component(id=envelope.id, mechanism=mechanism, parameters=parameters))
    if problems:
        raise ContractError(problems)
    return tuple(components)


# ---------------------------------------------------------------------------------------------
# Turning pydantic's errors into sentences a contract author can act on.


def _model_at(loc: tuple[Any, ...], root: type[BaseModel] = ContractSpec) -> type[BaseModel] | None:
    """The model class whose keys live at ``loc`` below ``root`` (for listing allowed keys)."""
    model: Any = root
    for part in loc:
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(str(part))
            if field is None:
                return None
            model = field.annotation
        elif isinstance(part, int):
            args = typing.get_args(model)
            model = args[0] if args else None
        else:
            return None
        while typing.get_origin(model) in (list, dict, typing.Union) or (
            model is not None and type(model).__name__ == "UnionType"
        ):
            if typing.get_origin(model) is list:
                # A list's items are reached through the next index in ``loc``.
                break
            args = [arg for arg in typing.get_args(model) if arg is not type(None)]
            model = args[-1] if args else None
    if isinstance(model, type) and issubclass(model, BaseModel):
        return model
    return None


def _path_text(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            text = str(part)
            if parts:
                parts.append(".")
            parts.append(text)
    return "".join(parts)


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic adds the validator's name for annotated/union/dict-key steps; drop those.
    cleaned = []
    for part in loc:
        text = str(part)
        if text in ("[key]",) or text.startswith(("function-", "constrained-", "literal[")):
            continue
        if text in (
            "date",
            "decimal",
            "int",
            "bool",
            "str",
            "none",
        ):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _describe(
    error: dict[str, Any],
    document: YamlDocument,
    *,
    prefix: tuple[Any, ...] = (),
    root: type[BaseModel] = ContractSpec,
) -> str:
    """One pydantic error as a sentence; ``prefix`` is where ``root``'s keys are in the file."""
    raw_loc = tuple(error["loc"])
    loc = _clean_loc(raw_loc)

    def model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
        if prefix and path[: len(prefix)] == prefix:
            return _model_at(path[len(prefix) :], root)
        return _model_at(path)

    kind = error["type"]
    value = error.get("input")
    line = document.line_of(loc)
    key = _path_text(loc) or "(top level)"
    where = f"{document.source}, line {line}, key {key!r}" if line else f"{document.source}"
    if kind == "extra_forbidden":
        parent = model_at(loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else ""
        fix = "remove it or correct its spelling"
        if allowed:
            fix += f" (allowed here: {allowed})"
        return f"{where}: unknown key {str(loc[-1])!r}; {fix}."
    if kind == "missing":
        parent = model_at(loc[:-1])
        field_name = str(loc[-1])
        hint = ""
        if parent is not None and field_name in parent.model_fields:
            description = parent.model_fields[field_name].description
            if description:
                hint = f" ({description})"
        parent_line = document.line_of(loc[:-1])
        parent_key = _path_text(loc[:-1]) or "(top level)"
        where = f"{document.source}, line {parent_line}, key {parent_key!r}"
        return (
            f"{where}: the required key {field_name!r} is missing{hint}; "
            f"add it (see docs/contract-format.md)."
        )
    if kind in (
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "date_from_datetime_inexact",
    ):
        return (
            f"{where}: {value!r} is not a date; write a real calendar date as YYYY-MM-DD, "
            "e.g. 2020-01-01."
        )
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{where}: {value!r} is not a whole number; write it without decimals, e.g. 200."
    if kind in ("decimal_parsing", "decimal_type", "float_parsing"):
        return f"{where}: {value!r} is not a number; write it with a decimal point, e.g. 4000.00."
    if kind in ("bool_parsing", "bool_type"):
        return f"{where}: {value!r} is not true or false; write true or false."
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{where}: {value!r} is not allowed here; write one of {expected}."
    if kind in ("string_too_short", "too_short"):
        return f"{where}: the value is empty; fill it in (see docs/contract-format.md)."
    if kind == "string_pattern_mismatch":
        return f"{where}: {value!r} does not have the expected form; {error['msg'].lower()}."
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return (
            f"{where}: expected a mapping of keys to values here, not {value!r}; "
            "see docs/contract-format.md."
        )
    if kind == "list_type":
        return f"{where}: expected a list here, not {value!r}; write it as a YAML list."
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"{where}: {message}; correct the value."
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"{where}: {value!r} is out of range ({error['msg'].lower()}); correct the value."
    return f"{where}: {error['msg']}; see docs/contract-format.md."
