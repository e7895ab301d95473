"""The benchmark kit: scripts that print figures for ``docs/`` (never tests: they do not fail).

Run each from the repository root as a module, ``python -m bench.NAME --help``; ``bench/README.md`` lists
them with what each measures and which doc cites it. What they share is in :mod:`bench.common`.
"""
