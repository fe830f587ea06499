"""musicnn's MagnaTagATune network in numpy: from log-mel patches to a 200-value embedding.

musicnn (Jordi Pons, Music Technology Group, Universitat Pompeu Fabra; ISC licence) is a
convolutional network trained to tag music on the MagnaTagATune dataset. Riffle uses the
trained weights its package ships (see recommender/musicnn_weights.py) and runs the network
here, written from its published architecture, with batch normalisation in inference mode
(y = γ·(x − moving mean)/√(moving variance + 0.001) + β, folded into one scale and shift).

The input is a patch of PATCH_FRAMES log-mel frames (musicnn_input.py makes them). Then:

front end   the patch, normalised, goes through five branches, each a convolution with
            ReLU, batch norm and a max over the whole frequency axis:
            timbral  204 filters of 7 frames × 38 bands and 204 of 7 × 67 bands (the patch
                     padded with 3 zero frames at each end, no padding in frequency);
            temporal 51 filters each of 128, 64 and 32 frames × 1 band ("same" padding in
                     time: (k − 1) // 2 zero frames before, the rest after).
            Concatenated: 561 values per frame.
mid end     three 1-D convolutions over time (64 filters of 7 frames, 3 zero frames at each
            end, ReLU, batch norm); the second and third add their input back (residual).
back end    the front end and the three mid-end outputs side by side (753 values per
            frame), their maximum and mean over time interleaved (max, mean of value 0,
            then of value 1, ...: 1506), batch norm, a 200-unit dense layer with ReLU and
            batch norm: the **embedding** (the network's penultimate layer); then 50 tag
            logits and their sigmoid.

Batch norm after ReLU and before the max over frequency commutes with that max when its
scale is positive; where it is negative, the max of the normalised values comes from the
minimum. So the front end takes the max and min of the raw convolution over frequency and
normalises only those: the same result, without normalising every position.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

PATCH_FRAMES = 187  # 3 s at 16 kHz with a hop of 256 samples
N_MELS = 96
EMBEDDING_SIZE = 200
BATCH_NORM_EPSILON = 1e-3
TIMBRAL_TAPS = 7  # frames of the timbral and mid-end kernels
TEMPORAL_TAPS = (128, 64, 32)

#: What the 50 outputs of the MagnaTagATune model mean, in order.
MTT_TAGS = (
    "guitar", "classical", "slow", "techno", "strings", "drums", "electronic", "rock",
    "fast", "piano", "ambient", "beat", "violin", "vocal", "synth", "female", "indian",
    "opera", "male", "singing", "vocals", "no vocals", "harpsichord", "loud", "quiet",
    "flute", "woman", "male vocal", "no vocal", "pop", "soft", "sitar", "solo", "man",
    "classic", "choir", "voice", "new age", "dance", "male voice", "female vocal", "beats",
    "harp", "cello", "no voice", "weird", "country", "metal", "female voice", "choral",
)

#: Checkpoint names of the layers, in the order the network uses them.
_TIMBRAL = (("conv2d", "batch_normalization_1"), ("conv2d_1", "batch_normalization_2"))
_TEMPORAL = (("conv2d_2", "batch_normalization_3"), ("conv2d_3", "batch_normalization_4"),
             ("conv2d_4", "batch_normalization_5"))
_MIDEND = (("conv2d_5", "batch_normalization_6"), ("conv2d_6", "batch_normalization_7"),
           ("conv2d_7", "batch_normalization_8"))
_INPUT_NORM, _POOL_NORM, _EMBEDDING_NORM = ("batch_normalization", "batch_normalization_9",
                                            "batch_normalization_10")


@dataclass(frozen=True, slots=True)
class Output:
    """The network's answer for a batch of patches."""

    embedding: np.ndarray  # (patches, EMBEDDING_SIZE) float32, the penultimate layer
    tags: np.ndarray  # (patches, len(MTT_TAGS)) float32, each tag's probability


@dataclass(frozen=True, slots=True)
class _Layer:
    """A convolution (as a matrix over the unfolded input) with its folded batch norm."""

    kernel: np.ndarray  # (inputs, outputs) float32
    bias: np.ndarray  # (outputs,)
    scale: np.ndarray  # batch norm: y = x * scale + shift
    shift: np.ndarray


Reader = Callable[[str], np.ndarray]


def _norm(read: Reader, name: str) -> tuple[np.ndarray, np.ndarray]:
    gamma, beta = read(f"{name}/gamma"), read(f"{name}/beta")
    mean, variance = read(f"{name}/moving_mean"), read(f"{name}/moving_variance")
    scale = gamma / np.sqrt(variance + BATCH_NORM_EPSILON)
    return scale.astype(np.float32), (beta - mean * scale).astype(np.float32)


def _layer(read: Reader, conv: str, norm: str, kernel: np.ndarray | None = None) -> _Layer:
    k = read(f"{conv}/kernel") if kernel is None else kernel
    scale, shift = _norm(read, norm)
    return _Layer(np.ascontiguousarray(k.reshape(-1, k.shape[-1]), dtype=np.float32),
                  read(f"{conv}/bias").astype(np.float32), scale, shift)


class Musicnn:
    """The MagnaTagATune musicnn network, built from its checkpoint's tensors.

    *read* returns the tensor of a checkpoint name (TensorBundle.read); a missing name
    raises KeyError, a tensor of the wrong shape ValueError.
    """

    def __init__(self, read: Reader) -> None:
        self._input_scale, self._input_shift = (float(v[0]) for v in _norm(read, _INPUT_NORM))
        self._timbral = tuple(_layer(read, c, n) for c, n in _TIMBRAL)
        self._timbral_bands = tuple(read(f"{c}/kernel").shape[1] for c, _ in _TIMBRAL)
        self._temporal = tuple(_layer(read, c, n) for c, n in _TEMPORAL)
        # The mid end unfolds its input as (frame, value, tap): the kernels are stored as
        # (tap, value); reorder them once.
        self._midend = tuple(
            _layer(read, c, n, read(f"{c}/kernel").transpose(1, 0, 2, 3)) for c, n in _MIDEND)
        self._pool_scale, self._pool_shift = _norm(read, _POOL_NORM)
        self._dense = read("dense/kernel").astype(np.float32)
        self._dense_bias = read("dense/bias").astype(np.float32)
        self._embedding_scale, self._embedding_shift = _norm(read, _EMBEDDING_NORM)
        self._tags = read("dense_1/kernel").astype(np.float32)
        self._tags_bias = read("dense_1/bias").astype(np.float32)
        self._check_shapes()

    def _check_shapes(self) -> None:
        front = sum(layer.kernel.shape[1] for layer in self._timbral + self._temporal)
        expected = {
            "timbral": [(TIMBRAL_TAPS * b, 204) for b in self._timbral_bands],
            "temporal": [(t, 51) for t in TEMPORAL_TAPS],
            "mid end": [(front * TIMBRAL_TAPS, 64)] + [(64 * TIMBRAL_TAPS, 64)] * 2,
        }
        found = {
            "timbral": [layer.kernel.shape for layer in self._timbral],
            "temporal": [layer.kernel.shape for layer in self._temporal],
            "mid end": [layer.kernel.shape for layer in self._midend],
        }
        width = front + 3 * 64
        if found != expected or self._dense.shape != (2 * width, EMBEDDING_SIZE) \
                or self._tags.shape != (EMBEDDING_SIZE, len(MTT_TAGS)):
            raise ValueError(f"these are not musicnn's MagnaTagATune weights: {found}")

    # -- layers ------------------------------------------------------------------------

    @staticmethod
    def _pool_frequency(conv: np.ndarray, layer: _Layer) -> np.ndarray:
        """ReLU, batch norm, then max over frequency; conv is (B, T, F, channels)."""
        high, low = conv.max(axis=2), conv.min(axis=2)
        chosen = np.where(layer.scale >= 0, high, low)
        return np.maximum(chosen + layer.bias, 0.0) * layer.scale + layer.shift

    def _timbral_branch(self, x: np.ndarray, layer: _Layer, bands: int) -> np.ndarray:
        b, t, f = x.shape
        pad = TIMBRAL_TAPS // 2
        padded = np.pad(x, ((0, 0), (pad, pad), (0, 0)))
        windows = np.lib.stride_tricks.sliding_window_view(padded, (TIMBRAL_TAPS, bands),
                                                           axis=(1, 2))
        positions = f - bands + 1
        conv = windows.reshape(b * t * positions, -1) @ layer.kernel
        return self._pool_frequency(conv.reshape(b, t, positions, -1), layer)

    def _temporal_branches(self, x: np.ndarray) -> list[np.ndarray]:
        b, t, f = x.shape
        longest = max(TEMPORAL_TAPS)
        before = (longest - 1) // 2
        padded = np.pad(x, ((0, 0), (before, longest - 1 - before), (0, 0)))
        # One unfolding for the three kernels: a shorter kernel, centred the same way,
        # reads a slice of the longest one's window.
        windows = np.lib.stride_tricks.sliding_window_view(padded, longest, axis=1)
        unfolded = np.ascontiguousarray(windows).reshape(b * t * f, longest)
        out = []
        for taps, layer in zip(TEMPORAL_TAPS, self._temporal, strict=True):
            start = before - (taps - 1) // 2
            conv = unfolded[:, start:start + taps] @ layer.kernel
            out.append(self._pool_frequency(conv.reshape(b, t, f, -1), layer))
        return out

    @staticmethod
    def _midend_layer(x: np.ndarray, layer: _Layer) -> np.ndarray:
        b, t, c = x.shape
        pad = TIMBRAL_TAPS // 2
        padded = np.pad(x, ((0, 0), (pad, pad), (0, 0)))
        windows = np.lib.stride_tricks.sliding_window_view(padded, TIMBRAL_TAPS, axis=1)
        conv = windows.reshape(b * t, c * TIMBRAL_TAPS) @ layer.kernel + layer.bias
        return (np.maximum(conv, 0.0) * layer.scale + layer.shift).reshape(b, t, -1)

    # -- the whole network -------------------------------------------------------------

    def forward(self, patches: np.ndarray) -> Output:
        """Run (patches, PATCH_FRAMES, N_MELS) log-mel patches through the network.

        Other patch lengths work too (the network pools over time), but the weights were
        trained on PATCH_FRAMES. Raises ValueError for an input of the wrong shape.
        """
        x = np.asarray(patches, dtype=np.float32)
        if x.ndim != 3 or x.shape[2] != N_MELS or x.shape[1] < 1:
            raise ValueError(f"expected (patches, frames, {N_MELS}) log-mel input, got "
                             f"{x.shape}")
        x = x * np.float32(self._input_scale) + np.float32(self._input_shift)
        front = [self._timbral_branch(x, layer, bands)
                 for layer, bands in zip(self._timbral, self._timbral_bands, strict=True)]
        front += self._temporal_branches(x)
        features = [np.concatenate(front, axis=2)]
        features.append(self._midend_layer(features[0], self._midend[0]))
        for layer in self._midend[1:]:
            features.append(self._midend_layer(features[-1], layer) + features[-1])
        stacked = np.concatenate(features, axis=2)
        pooled = np.stack([stacked.max(axis=1), stacked.mean(axis=1)], axis=2)
        pooled = pooled.reshape(len(x), -1) * self._pool_scale + self._pool_shift
        dense = np.maximum(pooled @ self._dense + self._dense_bias, 0.0)
        embedding = dense * self._embedding_scale + self._embedding_shift
        logits = embedding @ self._tags + self._tags_bias
        tags = 1.0 / (1.0 + np.exp(-logits))
        return Output(embedding.astype(np.float32), tags.astype(np.float32))

    def embed(self, patches: np.ndarray) -> np.ndarray:
        """The (patches, EMBEDDING_SIZE) embeddings of log-mel patches; see forward()."""
        return self.forward(patches).embedding
