"""Contracts and price lists in the store: the version in use is recorded by its SHA-256."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sibyl.contract import Contract, load_contract, load_prices
from sibyl.contract.loader import resolve, rules_sha256_of_text
from sibyl.errors import Location, SibylInputError
from sibyl.web.audit import log as audit
from sibyl.web.contracts.models import ContractVersion, PriceListVersion


@dataclass
class StoredContract:
    contract: Contract
    version: ContractVersion
    prices: PriceListVersion


def _store_contract(contract: Contract, name: str, on: date | None) -> ContractVersion:
    """Record the contract's text by its SHA-256. A file that differs from one already recorded
    under the same version number must say the same rules (only display names, comments or the
    layout may differ): a changed rule, value or forecast needs a new version."""
    for earlier in ContractVersion.objects.filter(
        contract_id=contract.id, version=contract.version
    ).exclude(sha256=contract.sha256):
        if rules_sha256_of_text(earlier.text, earlier.source) != contract.rules_sha256:
            raise SibylInputError(
                f"the contract {contract.label} is not the {contract.label} the store first used "
                f"(SHA-256 {earlier.sha256[:12]}…, recorded {earlier.loaded_at.date().isoformat()})"
                ": its rules, values or forecast differ",
                Location(contract.source, key="version"),
                "a change of the contract is a new version: keep the signed file as it was, "
                "write the change in a new version with a higher version and a later valid_from "
                "(docs/contract-format.md)",
            )
    path = resolve(name, on=on)
    version, _ = ContractVersion.objects.get_or_create(
        contract_id=contract.id,
        sha256=contract.sha256,
        defaults={
            "version": contract.version,
            "source": contract.source,
            "text": path.read_text(encoding="utf-8"),
        },
    )
    return version


def _price_list_from_text(contract: Contract, text: str, source: str) -> Contract:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prices.csv"
        path.write_text(text, encoding="utf-8")
        prices = load_prices(
            path,
            services={code: s.basis for code, s in contract.services.items()},
            calendar=contract.calendar,
        )
    return contract.with_prices(
        type(prices)(
            prices=prices.prices, source=source, sha256=prices.sha256, services=prices.services
        )
    )


def stored_contract(name: str, *, actor: str, on: date | None = None) -> StoredContract:
    """Load a contract (the version in force ``on`` a day, by default the latest), record its
    version, and apply the newest stored price list."""
    contract = load_contract(name, on=on)
    version = _store_contract(contract, name, on)
    latest = PriceListVersion.objects.filter(contract_id=contract.id).order_by("-id").first()
    if latest is None:
        text = Path(contract.prices.source).read_text(encoding="utf-8")
        latest = PriceListVersion.objects.create(
            contract_id=contract.id,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            source=Path(contract.prices.source).name,
            text=text,
            loaded_by=actor,
        )
    contract = _price_list_from_text(contract, latest.text, f"price list {latest.sha256[:12]}")
    return StoredContract(contract=contract, version=version, prices=latest)


def import_prices(name: str, path: str | Path, *, actor: str) -> tuple[PriceListVersion, bool]:
    """Store a new price list (checked against the contract); ``False`` if already stored."""
    contract = load_contract(name, prices=path)
    text = Path(path).read_text(encoding="utf-8-sig")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = PriceListVersion.objects.filter(contract_id=contract.id, sha256=sha).first()
    if existing is not None:
        return existing, False
    version = PriceListVersion.objects.create(
        contract_id=contract.id, sha256=sha, source=Path(path).name, text=text, loaded_by=actor
    )
    audit.record(
        "prices.import",
        actor=actor,
        object_type="price_list",
        object_id=version.id,
        contract_id=contract.id,
        details={"file": Path(path).name, "sha256": sha, "years": contract.prices.years()},
    )
    return version, True
