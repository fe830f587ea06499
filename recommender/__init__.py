"""Riffle's recommender: audio analysis, feature vectors, the k-NN index, taste and shuffle.

Pure computation over arrays plus the store; nothing here imports Qt or the faces.
"""
