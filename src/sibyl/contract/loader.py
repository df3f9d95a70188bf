"""Loading contracts: a file or a built-in name to a checked :class:`Contract`.

The loader is strict. An unknown key, a bad date, a missing value or a value of the wrong kind is
refused with one sentence per problem that names the file, the line, the key and the fix.
"""

from __future__ import annotations

import hashlib
import typing
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sibyl.calendar import WorkCalendar
from sibyl.contract.model import ContractSpec, Parameter, Service
from sibyl.contract.prices import PriceList, load_prices
from sibyl.errors import Location, SibylInputError
from sibyl.yamlfile import YamlDocument, read_yaml

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

    def base_per_child_year(self, year: int) -> Decimal:
        return self.for_year("base_per_child_year", year)

    def allows_temporary_codes(self, on: date) -> bool:
        return bool(self.value("allow_temporary_identity_codes", on))

    def with_parameters(self, **values: Any) -> Contract:
        """The same contract with some parameters set to one value from their first start date.

        For what-if runs and tests; the result is checked by the same model as a file.
        """
        data = self.spec.model_dump(mode="python")
        for name, value in values.items():
            if name not in data["parameters"]:
                raise SibylInputError(
                    f"the contract has no parameter {name!r}",
                    Location(self.source),
                    f"use one of {', '.join(data['parameters'])}",
                )
            first = self.parameter(name).first_start()
            data["parameters"][name]["values"] = {first: value}
        try:
            spec = ContractSpec.model_validate(data)
        except ValidationError as exc:
            first_error = exc.errors(include_url=False)[0]
            raise SibylInputError(
                f"invalid parameter value: {first_error['msg']}", Location(self.source)
            ) from None
        return replace(self, spec=spec)

    def with_prices(self, prices: PriceList) -> Contract:
        """The same contract with another price list (e.g. ``--prices``)."""
        return replace(self, prices=prices)


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
        if entry.is_dir() and (entry / "contract.yaml").is_file()
    )


def builtin_path(name: str) -> Path:
    path = Path(str(resources.files(BUILTIN_PACKAGE) / name / "contract.yaml"))
    if not path.is_file():
        raise SibylInputError(
            f"there is no built-in contract {name!r}",
            None,
            f"use one of {', '.join(builtin_names())} or give the path of a contract file",
        )
    return path


def resolve(name_or_path: str | Path) -> Path:
    """A built-in contract's name, or a path to a contract file (or its folder)."""
    text = str(name_or_path)
    candidate = Path(text)
    if candidate.is_dir() and (candidate / "contract.yaml").is_file():
        return candidate / "contract.yaml"
    if candidate.suffix.lower() in (".yaml", ".yml") or candidate.exists():
        return candidate
    return builtin_path(text)


def load_contract(
    name_or_path: str | Path, *, prices: str | Path | None = None, display: str | None = None
) -> Contract:
    """Load and check a contract; ``prices`` replaces the contract's own price list."""
    path = resolve(name_or_path)
    source = display or (str(name_or_path) if Path(str(name_or_path)).exists() else str(path))
    document = read_yaml(path)
    document.source = source
    spec = parse_contract(document)
    price_path = Path(prices) if prices is not None else path.parent / spec.prices
    if prices is None and not price_path.is_file():
        raise SibylInputError(
            f"the price list {spec.prices!r} named by the contract does not exist",
            Location(source, document.line_of(("prices",)), key="prices"),
            "put the price list beside the contract file or correct its name",
        )
    price_list = load_prices(
        price_path,
        services={service.code: service.basis for service in spec.services.items},
        calendar=calendar_of(spec),
    )
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return Contract(spec=spec, source=source, sha256=sha, prices=price_list)


def parse_contract(document: YamlDocument) -> ContractSpec:
    if not isinstance(document.data, dict):
        raise ContractError(
            [
                f"{document.source}, line 1: a contract file is a mapping of keys to values "
                "(id, version, title, …); start from docs/contract-format.md."
            ]
        )
    try:
        return ContractSpec.model_validate(document.data)
    except ValidationError as exc:
        raise ContractError(
            [_describe(error, document) for error in exc.errors(include_url=False)]
        ) from None


# ---------------------------------------------------------------------------------------------
# Turning pydantic's errors into sentences a contract author can act on.


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose keys live at ``loc`` (for listing the allowed keys)."""
    model: Any = ContractSpec
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
        if text in ("[key]",) or text.startswith(("function-", "constrained-")):
            continue
        if text in (
            "date",
            "decimal",
            "int",
            "bool",
            "str",
            "none",
            "literal['child_year','cohort_year']",
        ):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _describe(error: dict[str, Any], document: YamlDocument) -> str:
    raw_loc = tuple(error["loc"])
    loc = _clean_loc(raw_loc)
    kind = error["type"]
    value = error.get("input")
    line = document.line_of(loc)
    key = _path_text(loc) or "(top level)"
    where = f"{document.source}, line {line}, key {key!r}" if line else f"{document.source}"
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else ""
        fix = "remove it or correct its spelling"
        if allowed:
            fix += f" (allowed here: {allowed})"
        return f"{where}: unknown key {str(loc[-1])!r}; {fix}."
    if kind == "missing":
        parent = _model_at(loc[:-1])
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
