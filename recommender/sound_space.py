"""The sound space: how a track's stored vectors become one point, where near means
"sounds alike".

A point has up to three parts, each fitted over the library so that no unit, scale or
size decides how much it counts:

- **descriptors** (recommender/features.py), each standardised (mean 0, standard deviation
  1 over the library) and clipped to ±CLIP so one odd track cannot stretch an axis;
- the **Gaussian timbre model** (recommender/timbre_model.py), embedded so that Euclidean
  distance follows its divergence: the MFCCs are whitened by the library's mean covariance
  (W = Σ̄^-½), and a track becomes W·μ/√8 followed by the matrix logarithm of W·Σ·Wᵀ over 4
  (its upper triangle, off-diagonal entries ×√2). To second order, the squared distance
  between two such points is the Jensen–Shannon divergence of the two Gaussians;
- the **musicnn embedding** (recommender/musicnn.py), scaled to unit length (its cosine is
  what compares two embeddings).

The two model parts are reduced to their main axes (principal components of a sample of
the library), so a point stays small: 81 + 2 × 24 values. Every part is then weighted so
that its total variance is its weight, whatever its size (PART_WEIGHTS: the descriptors'
five groups together weigh as much as each model part), and everything is divided so that
two tracks picked at random are about 1 apart.

The musicnn part joins the space only when the deep pass has covered at least
DEEP_COVERAGE of the described tracks; until then the space is the fast pass's alone, and
a track the deep pass has not reached yet sits at the middle of that part.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA

from recommender.layout import GAUSSIAN, MUSICNN, Group
from recommender.timbre_model import N_COEFFS, unpack

#: Standardised coordinates are clipped to this many standard deviations.
CLIP = 5.0

#: How much each group of coordinates weighs: its share of the distance between two tracks
#: picked at random. MFCC statistics (timbre and its texture) separate styles best among
#: the descriptors, chroma barely helps; each model part weighs as much as all descriptors.
PART_WEIGHTS: Mapping[str, float] = {
    "timbre": 2.0,
    "spectral": 1.0,
    "rhythm": 1.0,
    "dynamics": 1.0,
    "tonality": 0.5,
    GAUSSIAN.name: 5.5,
    MUSICNN: 5.5,
}

#: Main axes kept of each model part.
MODEL_AXES = 24
#: The musicnn part joins the space when at least this share of tracks has an embedding.
DEEP_COVERAGE = 0.9
#: At most this many tracks (a fixed random sample) fit the model parts' axes and whitening.
FIT_SAMPLE = 20_000
#: Tracks worked at a time (bounds the memory of the batched matrix logarithms and of
#: the copies a block needs).
_CHUNK = 4096

_UPPER = np.triu_indices(N_COEFFS)
_OFF_DIAGONAL = np.where(_UPPER[0] == _UPPER[1], 1.0, math.sqrt(2.0))


def gaussian_embedding(vectors: np.ndarray, whitening: np.ndarray) -> np.ndarray:
    """(n, 230) float64 points of (n, 230) stored Gaussian models, whose Euclidean distance
    approximates the square root of their Jensen–Shannon divergence (module docstring).

    A damaged model (a covariance that is not positive definite) has its eigenvalues
    floored, so it lands far away instead of making the space undefined."""
    out = np.empty((len(vectors), len(_OFF_DIAGONAL) + N_COEFFS))
    for start in range(0, len(vectors), _CHUNK):
        means, covs = unpack(vectors[start:start + _CHUNK])
        whitened = whitening @ covs @ whitening.T
        values, axes = np.linalg.eigh(whitened)
        values = np.log(np.maximum(values, 1e-6))
        logs = (axes * values[:, None, :]) @ np.swapaxes(axes, 1, 2)
        out[start:start + len(means), :N_COEFFS] = means @ whitening.T / math.sqrt(8.0)
        out[start:start + len(means), N_COEFFS:] = logs[:, _UPPER[0], _UPPER[1]] \
            * _OFF_DIAGONAL / 4.0
    return np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)


def whitening_of(vectors: np.ndarray) -> np.ndarray:
    """W = Σ̄^-½ for the mean covariance of these stored Gaussian models (identity when
    they are too few or too damaged to say)."""
    if len(vectors) == 0:
        return np.eye(N_COEFFS)
    _, covs = unpack(vectors)
    values, axes = np.linalg.eigh(np.nan_to_num(covs.mean(axis=0)))
    if not np.all(np.isfinite(values)) or values.max() <= 0:
        return np.eye(N_COEFFS)
    values = np.maximum(values, values.max() * 1e-6)
    return (axes / np.sqrt(values)) @ axes.T


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


@dataclass(frozen=True)
class Axes:
    """The main axes of one part: centre, then project, then scale so the coordinates
    have unit variance on average."""

    centre: np.ndarray  # (d,)
    basis: np.ndarray  # (d, k), orthonormal columns
    scale: float

    @classmethod
    def fit(cls, matrix: np.ndarray, count: int) -> Axes:
        """The *count* main axes of (n, d) *matrix* (principal components)."""
        data = np.asarray(matrix, dtype=np.float64)
        count = max(1, min(count, data.shape[1]))
        if len(data) < 2:
            centre = data.mean(axis=0) if len(data) else np.zeros(data.shape[1])
            return cls(centre, np.eye(data.shape[1])[:, :count], 1.0)
        pca = PCA(n_components=min(count, len(data)), random_state=0).fit(data)
        basis = pca.components_.T
        if basis.shape[1] < count:  # fewer tracks than axes: pad with unused directions
            basis = np.hstack([basis, np.zeros((data.shape[1], count - basis.shape[1]))])
        spread = float(np.sqrt(np.sum(pca.explained_variance_) / count))
        return cls(pca.mean_, basis, spread if spread > 1e-12 else 1.0)

    def apply(self, matrix: np.ndarray) -> np.ndarray:
        return (np.asarray(matrix, dtype=np.float64) - self.centre) @ self.basis / self.scale


@dataclass(frozen=True)
class SpaceFit:
    """What a library's vectors taught the space (see the module docstring): applied to
    any track's vectors, it gives that track's coordinates and point."""

    layout: tuple[Group, ...]  # the groups of a point's coordinates
    sound_layout: tuple[Group, ...]  # the groups of the stored sound vector
    mean: np.ndarray  # descriptors' library mean and standard deviation
    std: np.ndarray
    weight: np.ndarray  # per coordinate: sqrt(group weight / group size) / normaliser
    whitening: np.ndarray | None  # the Gaussian part's; None without that part
    gaussian_axes: Axes | None
    musicnn_axes: Axes | None  # None until the deep pass covers the library
    fitted_on: int  # how many tracks it was fitted on

    @classmethod
    def fit(cls, sound: np.ndarray, sound_layout: Sequence[Group],
            musicnn: np.ndarray | None = None, *, reached: int | None = None,
            parts: frozenset[str] | None = None,
            weights: Mapping[str, float] = PART_WEIGHTS, seed: int = 5,
            embedded: np.ndarray | None = None) -> SpaceFit:
        """Fit over (n, d) *sound* vectors laid out as *sound_layout*, and the (m, 200)
        *musicnn* embeddings the deep pass made (None: not used), *reached* of the *sound*
        tracks having one (default m). *parts* limits the parts ("descriptors",
        "gaussian", "musicnn") used. *embedded*: the Gaussian embedding of the sample's
        rows (`sample_rows`), when the caller has it already. Reads a sample of at most
        FIT_SAMPLE tracks, so it costs the same at a million."""
        sound_layout = tuple(sound_layout)
        wanted = parts if parts is not None else frozenset({"descriptors", GAUSSIAN.name,
                                                            MUSICNN})
        data = np.asarray(sound)
        rng = np.random.default_rng(seed)
        chosen = sample_rows(len(data))
        sample = np.asarray(data[chosen], dtype=np.float64)
        descriptor_groups = [g for g in sound_layout if g.name != GAUSSIAN.name] \
            if "descriptors" in wanted else []
        width = sound_layout[-1].stop if sound_layout else data.shape[1]
        mean = sample.mean(axis=0) if len(sample) else np.zeros(width)
        std = sample.std(axis=0) if len(sample) else np.ones(width)
        std = np.where(std > 1e-9, std, 1.0)  # a constant descriptor tells nothing apart
        layout: list[Group] = []
        start = 0
        for group in descriptor_groups:
            layout.append(Group(group.name, start, start + group.size, group.labels))
            start += group.size
        whitening = gaussian_axes = musicnn_axes = None
        if GAUSSIAN.name in wanted and any(g.name == GAUSSIAN.name for g in sound_layout):
            whitening = whitening_of(sample[:, GAUSSIAN.slice])
            points = embedded if embedded is not None else \
                gaussian_embedding(sample[:, GAUSSIAN.slice], whitening)
            gaussian_axes = Axes.fit(points, MODEL_AXES)
            layout.append(_model_group(GAUSSIAN.name, start, gaussian_axes))
            start = layout[-1].stop
        reached = len(musicnn) if reached is None and musicnn is not None else reached
        if MUSICNN in wanted and musicnn is not None and len(musicnn) and reached \
                and reached >= DEEP_COVERAGE * len(data):
            picked = np.arange(len(musicnn)) if len(musicnn) <= FIT_SAMPLE else \
                np.sort(rng.choice(len(musicnn), FIT_SAMPLE, replace=False))
            musicnn_axes = Axes.fit(_unit(np.asarray(musicnn[picked], np.float64)),
                                    MODEL_AXES)
            layout.append(_model_group(MUSICNN, start, musicnn_axes))
        total = sum(weights.get(g.name, 1.0) for g in layout) or 1.0
        weight = np.zeros(layout[-1].stop if layout else 0)
        for group in layout:
            weight[group.slice] = math.sqrt(weights.get(group.name, 1.0) / group.size
                                            / (2.0 * total))
        return cls(tuple(layout), sound_layout, mean, std, weight, whitening, gaussian_axes,
                   musicnn_axes, len(data))

    @property
    def dimensions(self) -> int:
        return len(self.weight)

    @property
    def uses_musicnn(self) -> bool:
        return self.musicnn_axes is not None

    def coordinates(self, sound: np.ndarray, musicnn: np.ndarray | None = None,
                    has_musicnn: np.ndarray | None = None, *,
                    deep_rows: np.ndarray | None = None,
                    embedded: np.ndarray | None = None) -> np.ndarray:
        """(n, dimensions) float32 standardised coordinates (unit variance on average,
        clipped) of (n, d) sound vectors and their musicnn embeddings: *musicnn* aligned
        with *sound* (real where *has_musicnn* holds), or, with *deep_rows*, any matrix
        whose row deep_rows[i] is track i's (-1: none). Worked in blocks of _CHUNK tracks,
        so a million tracks need no more than their result. *embedded*: the Gaussian
        embedding of every row, when the caller has it already."""
        data = np.asarray(sound)
        out = np.zeros((len(data), self.dimensions), dtype=np.float32)
        for start in range(0, len(data), _CHUNK):
            part = slice(start, min(len(data), start + _CHUNK))
            deep: np.ndarray | None = None
            present: np.ndarray | None = None
            if deep_rows is not None and musicnn is not None:
                rows = deep_rows[part]
                present = rows >= 0
                deep = np.zeros((len(rows), np.asarray(musicnn).shape[1]), np.float32)
                deep[present] = musicnn[rows[present]]
            elif musicnn is not None:
                deep = np.asarray(musicnn)[part]
                present = None if has_musicnn is None else has_musicnn[part]
            out[part] = self._block(np.asarray(data[part], dtype=np.float64), deep, present,
                                    None if embedded is None else embedded[part])
        return out

    def _block(self, data: np.ndarray, musicnn: np.ndarray | None,
               has_musicnn: np.ndarray | None, embedded: np.ndarray | None) -> np.ndarray:
        out = np.zeros((len(data), self.dimensions), dtype=np.float32)
        if not len(data):
            return out
        descriptors = [g for g in self.layout if g.name not in (GAUSSIAN.name, MUSICNN)]
        if descriptors:
            source = [g for g in self.sound_layout if g.name != GAUSSIAN.name]
            columns = np.concatenate([np.arange(g.start, g.stop) for g in source])
            z = (data[:, columns] - self.mean[columns]) / self.std[columns]
            out[:, :descriptors[-1].stop] = np.clip(np.nan_to_num(z), -CLIP, CLIP)
        if self.gaussian_axes is not None and self.whitening is not None:
            group = self._group(GAUSSIAN.name)
            if embedded is None:
                embedded = gaussian_embedding(data[:, GAUSSIAN.slice], self.whitening)
            out[:, group.slice] = np.clip(self.gaussian_axes.apply(embedded), -CLIP, CLIP)
        if self.musicnn_axes is not None and musicnn is not None:
            group = self._group(MUSICNN)
            present = np.ones(len(data), bool) if has_musicnn is None else has_musicnn
            if present.any():
                reduced = self.musicnn_axes.apply(_unit(np.asarray(musicnn)[present]))
                out[present, group.slice] = np.clip(reduced, -CLIP, CLIP)
        return out

    def _group(self, name: str) -> Group:
        return next(g for g in self.layout if g.name == name)

    # -- saving ------------------------------------------------------------------------------

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The fit as named arrays (for an .npz file); see from_arrays."""
        arrays = {"mean": self.mean, "std": self.std, "weight": self.weight,
                  "fitted_on": np.array(self.fitted_on)}
        if self.whitening is not None and self.gaussian_axes is not None:
            arrays |= {"whitening": self.whitening, **_axes_arrays("gaussian",
                                                                   self.gaussian_axes)}
        if self.musicnn_axes is not None:
            arrays |= _axes_arrays("musicnn", self.musicnn_axes)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], group_names: Sequence[str],
                    sound_layout: Sequence[Group]) -> SpaceFit:
        """The fit to_arrays saved, with the names of its layout's groups, in order, and
        the layout of the sound vectors it was fitted on."""
        by_name = {g.name: g for g in sound_layout}
        gaussian = _axes_from("gaussian", arrays) if GAUSSIAN.name in group_names else None
        musicnn = _axes_from("musicnn", arrays) if MUSICNN in group_names else None
        layout: list[Group] = []
        start = 0
        for name in group_names:
            if name == GAUSSIAN.name and gaussian is not None:
                layout.append(_model_group(name, start, gaussian))
            elif name == MUSICNN and musicnn is not None:
                layout.append(_model_group(name, start, musicnn))
            else:
                group = by_name[name]
                layout.append(Group(name, start, start + group.size, group.labels))
            start = layout[-1].stop
        return cls(tuple(layout), tuple(sound_layout), arrays["mean"], arrays["std"],
                   arrays["weight"], arrays["whitening"] if gaussian else None, gaussian,
                   musicnn, int(arrays["fitted_on"]))


def sample_rows(count: int, seed: int = 5) -> np.ndarray:
    """The rows of *count* tracks a fit learns from: all, or FIT_SAMPLE picked at random."""
    if count <= FIT_SAMPLE:
        return np.arange(count)
    return np.sort(np.random.default_rng(seed).choice(count, FIT_SAMPLE, replace=False))


def fit_and_place(sound: np.ndarray, sound_layout: Sequence[Group],
                  musicnn: np.ndarray | None, deep_rows: np.ndarray, *,
                  parts: frozenset[str] | None = None,
                  weights: Mapping[str, float] = PART_WEIGHTS) -> tuple[SpaceFit, np.ndarray]:
    """A fit over these vectors, and their coordinates. *musicnn* holds the deep pass's
    embeddings, row deep_rows[i] being track i's (-1: none). A library no larger than the
    fit's sample has each Gaussian embedded once (the matrix logarithms are most of the
    cost), a larger one in blocks, so memory stays that of the result."""
    data = np.asarray(sound)
    embedded = None
    small = len(data) <= FIT_SAMPLE
    if small and len(data) and any(g.name == GAUSSIAN.name for g in sound_layout) \
            and (parts is None or GAUSSIAN.name in parts):
        models = np.asarray(data[:, GAUSSIAN.slice], dtype=np.float64)
        embedded = gaussian_embedding(models, whitening_of(models))
    reached = int((deep_rows >= 0).sum())
    fit = SpaceFit.fit(data, sound_layout, musicnn, reached=reached, parts=parts,
                       weights=weights, embedded=embedded)
    return fit, fit.coordinates(data, musicnn, deep_rows=deep_rows, embedded=embedded)


def _model_group(name: str, start: int, axes: Axes) -> Group:
    size = axes.basis.shape[1]
    return Group(name, start, start + size, tuple(f"{name}{i + 1}" for i in range(size)))


def _axes_arrays(name: str, axes: Axes) -> dict[str, np.ndarray]:
    return {f"{name}_centre": axes.centre, f"{name}_basis": axes.basis,
            f"{name}_scale": np.array(axes.scale)}


def _axes_from(name: str, arrays: Mapping[str, np.ndarray]) -> Axes:
    return Axes(arrays[f"{name}_centre"], arrays[f"{name}_basis"],
                float(arrays[f"{name}_scale"]))
