"""Reporting rounds: a round with a due date, a return per subject addressed to its lead, filled in section
by section, checked, submitted, accepted or returned with comments, with reminders and overdue lists.

Generic over the kind of return: an app subclasses the abstract models, declares a `ReturnKind` and
registers it (`services.return_kind_register`). Below the domain apps, above the workflow engine. See
docs/architecture.md, "Reporting rounds".
"""
