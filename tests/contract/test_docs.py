"""The contract format reference names every key the model accepts (Datasette's habit: a test
fails when a setting is undocumented)."""

from __future__ import annotations

import typing
from pathlib import Path

from pydantic import BaseModel

from sibyl.contract.model import ContractSpec
from sibyl.mechanisms import registry

DOC = Path(__file__).parents[2] / "docs/contract-format.md"


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                _models(annotation, seen)
            stack.extend(typing.get_args(annotation))


def test_contract_format_doc__documents_every_key_of_the_model_and_of_each_mechanism():
    text = DOC.read_text(encoding="utf-8")
    models: set[type[BaseModel]] = set()
    _models(ContractSpec, models)
    for mechanism in registry.MECHANISMS.values():
        _models(mechanism.parameters, models)
        assert f"### `{mechanism.name}`" in text, mechanism.name
    undocumented = sorted(
        f"{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if f"`{field.alias or name}`" not in text
    )
    assert undocumented == []
