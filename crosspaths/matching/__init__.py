"""The Crosspaths matching engine: pure functions over plain data, no Django.

Public API: ``match(people, history=..., blocked=..., rules=..., weights=..., on=..., seed=...)``
returns a ``Result``; see ``types.py`` for the data and ``cli.py`` for the file contract.
"""
