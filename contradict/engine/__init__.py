"""The rule engine in plain Python: it takes assertion facts and returns findings.

Nothing below this package imports Django; the app turns rows into facts and findings into
Conflict rows (``statements.services.conflicts``).
"""
