"""Riffle's core: library scan, tags, the SQLite store, playback, play log and queue.

Nothing in this package imports Qt or the recommender; faces and the recommender build on it.
"""
