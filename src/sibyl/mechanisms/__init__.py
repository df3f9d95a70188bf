"""Payment mechanisms: how a contract turns follow-up and register data into outcome payments.

A mechanism is a plug-in: one folder here with its parameters model, its engine (Ibis
expressions, exact money), its explanation of one child-year, its expected value for the savings
case and the Monte Carlo, its report section, its YAML scenarios and a README that states the
rule clause by clause. :mod:`sibyl.mechanisms.registry` lists them; nothing outside a mechanism's
folder names it, except the registry. :mod:`sibyl.mechanisms.base` is the protocol they follow.

(The registry is imported on its own, ``from sibyl.mechanisms import registry``, so that this
package can be imported by the contract model without importing every mechanism.)
"""
