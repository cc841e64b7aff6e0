"""The demo organization: generated people (``synthetic``, pure, no Django) and the
loader that writes them into the database with rounds, insights and collaboration
counts (``loader``). It sits on the top floor (docs/decisions.md, "Layers") because
it fills every app's tables; nothing imports it but the ``demo`` command, the tests
and the benchmarks."""
