"""Sound vectors for tests that need many tracks without decoding audio: descriptors as the
test chooses them, and a valid Gaussian timbre model (positive definite covariance) that
follows the descriptors smoothly, so tracks that are close in one part are close in the
other."""

from __future__ import annotations

import numpy as np

from recommender.layout import DESCRIPTORS, GAUSSIAN_COEFFS
from recommender.timbre_model import N_COEFFS

_UPPER = np.triu_indices(N_COEFFS)


def gaussian_models(descriptors: np.ndarray, seed: int = 0) -> np.ndarray:
    """(n, 230) stored Gaussian models that are a smooth function of (n, DESCRIPTORS)
    descriptors: the same projection for every track, so a library's clusters stay."""
    data = np.asarray(descriptors, dtype=np.float64)
    rng = np.random.default_rng(seed)
    scale = np.abs(data).mean(axis=0) + 1e-9  # descriptors live on any scale
    z = data / scale
    lower = np.tril_indices(N_COEFFS, -1)
    project_mean = rng.normal(size=(DESCRIPTORS, GAUSSIAN_COEFFS)) / np.sqrt(DESCRIPTORS)
    project_low = rng.normal(size=(DESCRIPTORS, len(lower[0]))) * 0.3 / np.sqrt(DESCRIPTORS)
    project_diag = rng.normal(size=(DESCRIPTORS, N_COEFFS)) * 0.3 / np.sqrt(DESCRIPTORS)
    out = np.empty((len(data), GAUSSIAN_COEFFS + len(_UPPER[0])), dtype=np.float32)
    for i, row in enumerate(z):
        factor = np.zeros((N_COEFFS, N_COEFFS))
        factor[lower] = row @ project_low
        factor[np.diag_indices(N_COEFFS)] = np.exp(np.tanh(row @ project_diag))
        cov = factor @ factor.T + 0.01 * np.eye(N_COEFFS)
        out[i, :GAUSSIAN_COEFFS] = row @ project_mean * 5.0
        out[i, GAUSSIAN_COEFFS:] = cov[_UPPER]
    return out


def sound_vectors(descriptors: np.ndarray, seed: int = 0) -> np.ndarray:
    """(n, DIMENSIONS) float32 sound vectors: the descriptors, then gaussian_models."""
    data = np.asarray(descriptors, dtype=np.float32)
    return np.hstack([data, gaussian_models(data, seed)]).astype(np.float32)
