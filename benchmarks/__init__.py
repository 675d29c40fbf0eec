"""Benchmarks of magspec against the Magento and Specter sandboxes (`python -m benchmarks`).

The sandboxes run with the same cost model for every approach compared (latency per request,
cost per written item, a limit on requests served at once; `magspec_sandbox/cost.py`),
in a child process of their own (`benchmarks/serve.py`, `benchmarks/world.py`) so that their
Python work never competes with the client being measured. Every figure reported is a ratio of
two measurements taken in the same run.
"""
