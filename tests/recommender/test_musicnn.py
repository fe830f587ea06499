"""musicnn's forward pass in numpy against the outputs of the original TensorFlow model.

tests/recommender/data/musicnn_reference.npz holds two input patches (float16 values, fed
as float32: a log-mel patch of generated music and uniform noise over 0..5) with the
embedding (penultimate layer) and tag probabilities that musicnn's own graph, restored
from the same checkpoint in TensorFlow, gave for them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recommender.checkpoint import TensorBundle
from recommender.musicnn import EMBEDDING_SIZE, MTT_TAGS, N_MELS, PATCH_FRAMES, Musicnn
from recommender.musicnn_weights import find_weights, load_network

REFERENCE = Path(__file__).parent / "data" / "musicnn_reference.npz"
TOLERANCE = 1e-4

pytestmark = pytest.mark.skipif(
    find_weights() is None,
    reason="musicnn's weights are not installed (scripts/bootstrap.sh installs them)")


@pytest.fixture(scope="module")
def network() -> Musicnn:
    loaded = load_network()
    assert isinstance(loaded, Musicnn), loaded
    return loaded


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as data:
        return {name: data[name] for name in data.files}


def test_matches_tensorflow_on_the_reference_patches(network: Musicnn,
                                                     reference: dict[str, np.ndarray]) -> None:
    patches = reference["patches"].astype(np.float32)
    assert patches.shape == (2, PATCH_FRAMES, N_MELS)
    out = network.forward(patches)
    assert out.embedding.shape == (2, EMBEDDING_SIZE) and out.embedding.dtype == np.float32
    assert out.tags.shape == (2, len(MTT_TAGS))
    np.testing.assert_allclose(out.embedding, reference["embedding"], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(out.tags, reference["tags"], rtol=0, atol=TOLERANCE)
    # The reference is not trivial: the two patches are told apart.
    assert np.abs(reference["embedding"][0] - reference["embedding"][1]).max() > 0.5


def test_each_patch_is_computed_on_its_own(network: Musicnn,
                                           reference: dict[str, np.ndarray]) -> None:
    patches = reference["patches"].astype(np.float32)
    together = network.embed(patches)
    for i in range(len(patches)):
        np.testing.assert_allclose(network.embed(patches[i:i + 1])[0], together[i],
                                   rtol=0, atol=1e-5)


def test_embedding_has_the_penultimate_layers_shape_and_is_deterministic(
        network: Musicnn) -> None:
    silence = np.zeros((1, PATCH_FRAMES, N_MELS), dtype=np.float32)
    a, b = network.embed(silence), network.embed(silence)
    assert a.shape == (1, EMBEDDING_SIZE)
    assert np.array_equal(a, b) and np.all(np.isfinite(a))


@pytest.mark.parametrize("shape", [(PATCH_FRAMES, N_MELS), (1, PATCH_FRAMES, 40), (1, 0, 96)])
def test_input_of_the_wrong_shape_is_refused(network: Musicnn, shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="log-mel"):
        network.forward(np.zeros(shape, dtype=np.float32))


def test_weights_of_another_network_are_refused() -> None:
    folder = find_weights()
    assert folder is not None
    bundle = TensorBundle(f"{folder}/")

    def read(name: str) -> np.ndarray:
        array = bundle.read(name)
        return array[:100] if name == "dense/kernel" else array

    with pytest.raises(ValueError, match="MagnaTagATune"):
        Musicnn(read)
