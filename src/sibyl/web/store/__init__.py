"""The store's operations, used by the command line and (later) the web pages.

Each operation is one transaction: it either completes, with its audit entry, or changes nothing.
"""
