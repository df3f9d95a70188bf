"""The contract as code: the model, the loader, the price lists."""

from sibyl.contract.loader import Contract, ContractError, builtin_names, load_contract
from sibyl.contract.model import ContractSpec, Parameter, Service
from sibyl.contract.prices import PriceList, UnitPrice, load_prices

__all__ = [
    "Contract",
    "ContractError",
    "ContractSpec",
    "Parameter",
    "PriceList",
    "Service",
    "UnitPrice",
    "builtin_names",
    "load_contract",
    "load_prices",
]
