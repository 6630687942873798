"""Paths (e) and (f): the rule engines a user would pick instead of leadflow.

They run in a virtual environment of their own (``.bench/peers-venv``), because
glsm pins old numpy, pandas and pydantic releases; :mod:`benchmarks.peers.env`
builds it and :mod:`benchmarks.peers.runner` runs inside it.
"""
