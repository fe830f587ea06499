"""The Gaussian timbre model: one Gaussian of MFCCs 0–19 per track, compared by divergence.

This is the approach of Musly (Schnitzer et al.), the method long to beat on this task: a
track's timbre is the mean and full covariance of its MFCC frames, and two tracks are as
far apart as their Gaussians are different. The covariance (how the spectral envelope's
coefficients move together) is what lifts it above descriptor means.

MFCCs 0–19 come from the fast pass's 40 log-mel bands (dB, see features.py): an
orthonormal DCT-II along the bands. A small ridge (RIDGE, in dB²) on the covariance's
diagonal keeps near-constant audio (a test tone, digital silence) from making it singular.

The divergence is the Jensen–Shannon divergence with the mixture of the two Gaussians
replaced by one Gaussian of the same mean and covariance (as Musly does):

    Σm = (Σ1 + Σ2) / 2 + (μ1 − μ2)(μ1 − μ2)ᵀ / 4
    JS = ½ ln det Σm − ¼ ln det Σ1 − ¼ ln det Σ2
    distance = √max(JS, 0)

It is symmetric, zero for a track against itself and never negative (the single Gaussian
has at least the mixture's entropy, which is at least the mean of the two entropies), and
it does not change when the same invertible linear map is applied to every track's
MFCCs, so neither the DCT's scaling nor the dB unit matter.

A track's model is stored as one flat float32 vector of VECTOR_SIZE values: the 20 means,
then the covariance's upper triangle row by row (210 values).
"""

from __future__ import annotations

import functools
import logging

import numpy as np
import scipy.fft

from player.errors import AnalysisError

logger = logging.getLogger(__name__)

N_COEFFS = 20
VECTOR_SIZE = N_COEFFS + N_COEFFS * (N_COEFFS + 1) // 2
RIDGE = 0.01  # dB², added to the covariance's diagonal
_CHUNK = 2048  # pairs per batch of determinants: about 6.5 MB of float64 matrices

_UPPER = np.triu_indices(N_COEFFS)


def _full_positions() -> np.ndarray:
    """For each entry of a full covariance (row-major), its place in a stored vector."""
    place = np.zeros((N_COEFFS, N_COEFFS), dtype=np.intp)
    place[_UPPER] = N_COEFFS + np.arange(len(_UPPER[0]))
    return np.maximum(place, place.T).reshape(-1)


_FULL = _full_positions()


@functools.lru_cache(maxsize=4)
def _dct(bands: int) -> np.ndarray:
    """(bands, N_COEFFS) float32: log-mel bands → MFCC 0..N_COEFFS−1 (orthonormal DCT-II)."""
    if bands < N_COEFFS:
        raise ValueError(f"{N_COEFFS} MFCCs need at least as many mel bands, not {bands}")
    basis = scipy.fft.dct(np.eye(bands), type=2, norm="ortho", axis=0)[:N_COEFFS]
    return np.ascontiguousarray(basis.T, dtype=np.float32)


def mfcc(mel_db: np.ndarray) -> np.ndarray:
    """(frames, N_COEFFS) MFCCs 0–19 of (frames, bands) log-mel frames in dB."""
    frames = np.asarray(mel_db, dtype=np.float32)
    return frames @ _dct(frames.shape[1])


def fit(mfccs: np.ndarray) -> np.ndarray:
    """The model of (frames, N_COEFFS) MFCC frames, as a VECTOR_SIZE float32 vector.

    The covariance is the unbiased sample covariance (zero for a single frame) plus the
    ridge. Raises AnalysisError when there are no frames or they are not finite.
    """
    x = np.asarray(mfccs, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != N_COEFFS or len(x) == 0:
        raise AnalysisError("there are no timbre frames to model")
    if not np.all(np.isfinite(x)):
        raise AnalysisError("the timbre frames came out undefined for this audio")
    mean = x.mean(axis=0)
    centred = x - mean
    cov = centred.T @ centred / max(len(x) - 1, 1)
    cov[np.diag_indices(N_COEFFS)] += RIDGE
    return np.concatenate([mean, cov[_UPPER]]).astype(np.float32)


def fit_mel_db(mel_db: np.ndarray) -> np.ndarray:
    """The model of (frames, bands) log-mel frames in dB; see fit()."""
    return fit(mfcc(mel_db))


def unpack(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(means (n, 20), covariances (n, 20, 20)) float64 from (n, VECTOR_SIZE) vectors."""
    v = np.asarray(vectors).reshape(-1, VECTOR_SIZE)
    means = v[:, :N_COEFFS].astype(np.float64)
    covs = v[:, _FULL].astype(np.float64).reshape(-1, N_COEFFS, N_COEFFS)
    return means, covs


def _logdet(covs: np.ndarray) -> np.ndarray:
    """ln det of each (…, d, d) symmetric matrix; −inf where it is not positive definite.

    By Cholesky factors (twice as fast as LU for these small matrices); a batch holding a
    matrix that is not positive definite falls back to LU for that batch.
    """
    out = np.empty(covs.shape[:-2])
    flat_in, flat_out = covs.reshape(-1, *covs.shape[-2:]), out.reshape(-1)
    for start in range(0, len(flat_in), _CHUNK):
        part = flat_in[start:start + _CHUNK]
        try:
            factors = np.linalg.cholesky(part)
            diagonal = np.diagonal(factors, axis1=-2, axis2=-1)
            flat_out[start:start + _CHUNK] = 2.0 * np.log(diagonal).sum(axis=-1)
        except np.linalg.LinAlgError:
            sign, logdet = np.linalg.slogdet(part)
            flat_out[start:start + _CHUNK] = np.where(sign > 0, logdet, -np.inf)
    return out


class TimbreModels:
    """Many tracks' models, unpacked once and ready to compare.

    *vectors* is (n, VECTOR_SIZE) as fit() makes them (float32 from the store is fine).
    A model whose covariance is not positive definite (a damaged vector) is infinitely far
    from every other, and from itself.
    """

    def __init__(self, vectors: np.ndarray) -> None:
        self.means, self.covs = unpack(vectors)
        self.logdets = _logdet(self.covs)

    def __len__(self) -> int:
        return len(self.means)

    def _to(self, mean: np.ndarray, cov: np.ndarray, logdet: float) -> np.ndarray:
        """Distances from one model (mean, cov, logdet) to each of these, (n,) float64."""
        out = np.empty(len(self))
        for start in range(0, len(self), _CHUNK):
            stop = min(start + _CHUNK, len(self))
            delta = 0.5 * (self.means[start:stop] - mean)
            mixed = self.covs[start:stop] + cov
            mixed *= 0.5
            mixed += delta[:, :, None] * delta[:, None, :]
            with np.errstate(invalid="ignore"):  # −inf − −inf: a damaged model
                js = 0.5 * _logdet(mixed) - 0.25 * (self.logdets[start:stop] + logdet)
            out[start:stop] = js
        with np.errstate(invalid="ignore"):
            out = np.sqrt(np.maximum(out, 0.0))
        return np.where(np.isfinite(out), out, np.inf)

    def one_to_many(self, index: int) -> np.ndarray:
        """(n,) distances from model *index* to every model here (0 to itself)."""
        return self._to(self.means[index], self.covs[index], float(self.logdets[index]))

    def to_vector(self, vector: np.ndarray) -> np.ndarray:
        """(n,) distances from the model stored in *vector* to every model here."""
        means, covs = unpack(vector)
        return self._to(means[0], covs[0], float(_logdet(covs)[0]))

    def pairwise(self, other: TimbreModels | None = None) -> np.ndarray:
        """(n, m) distances from each model here to each of *other* (default: these)."""
        other = self if other is None else other
        out = np.empty((len(self), len(other)))
        for i in range(len(self)):
            out[i] = other._to(self.means[i], self.covs[i], float(self.logdets[i]))
        return out


def divergence(a: np.ndarray, b: np.ndarray) -> float:
    """The distance between two models stored as vectors (see the module's formula)."""
    return float(TimbreModels(np.asarray(b)[None]).to_vector(a)[0])
