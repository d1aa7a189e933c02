"""The workflow engine: a record's states and transitions declared as a table, one service that moves a
record along it, and the deadlines its transitions start (in days or England and Wales working days).

Below the domain apps: it knows audit and nothing of any domain. See docs/architecture.md, "Workflow engine".
"""
