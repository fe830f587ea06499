"""Riffle's core: library scan, tags, the SQLite store, playback, play log and queue.

Nothing in this package imports Qt or the recommender; faces and the recommender build on it.
"""

#: Riffle's version, as the command line and the About box say it (pyproject.toml's).
__version__ = "0.1.0"
