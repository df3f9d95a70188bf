"""Sibyl's store and (later) web application: a Django project.

``sibyl.web`` owns persistence: models and migrations for contracts, the cohort, register
imports, the identity vault, statements and the audit log. The library (``sibyl.*`` outside this
package) never imports Django; the command line calls :func:`sibyl.web.bootstrap.setup` before
using the store.
"""
