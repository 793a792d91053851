"""Benchmarks of scout-bot against the end-to-end fakes (``python -m bench``).

Not tests: pytest's testpaths is ``tests/``, and nothing here is named test_*. The numbers
and how to read them are in ``docs/performance.md``.
"""
