"""The tensor-bundle reader: on bundles written here by hand, damaged ones, and musicnn's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bundle_writer import write_bundle, write_table

from recommender.checkpoint import (
    CheckpointDamagedError,
    CheckpointError,
    CheckpointMissingError,
    TensorBundle,
    UnsupportedCheckpointError,
)
from recommender.musicnn_weights import find_weights


def _tensors() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    tensors = {
        "scalar": np.array(3.5, dtype=np.float32),
        "layer/kernel": rng.standard_normal((3, 4, 1, 5)).astype(np.float32),
        "layer/bias": rng.standard_normal(5).astype(np.float32),
        "layer_1/kernel": rng.standard_normal((7, 2)).astype(np.float64),
        "layer_1/bias": np.arange(-3, 4, dtype=np.int32),
        "steps": np.array([2**40 + 7, -2], dtype=np.int64),
        "bytes": np.arange(200, dtype=np.uint8),
        "half": np.linspace(-1, 1, 9).astype(np.float16),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "big": rng.standard_normal(30_000).astype(np.float32),  # the fast CRC path
    }
    # Many names that share long prefixes: prefix compression and several blocks.
    for i in range(40):
        tensors[f"batch_normalization_{i}/moving_variance"] = np.full(i % 4 + 1, i, np.float32)
    return tensors


@pytest.fixture
def bundle_prefix(tmp_path: Path) -> str:
    prefix = f"{tmp_path}/model/"
    (tmp_path / "model").mkdir()
    write_bundle(prefix, _tensors())
    return prefix


def test_reads_every_tensor_with_its_type_shape_and_values(bundle_prefix: str) -> None:
    bundle = TensorBundle(bundle_prefix)
    expected = _tensors()
    assert bundle.names() == sorted(expected)
    for name, array in expected.items():
        got = bundle.read(name)
        assert got.dtype == array.dtype, name
        assert got.shape == array.shape, name
        np.testing.assert_array_equal(got, array, err_msg=name)
        assert got.flags.writeable and got.dtype.isnative
    assert "layer/bias" in bundle and "nothing" not in bundle
    assert bundle.entries["layer/kernel"].shape == (3, 4, 1, 5)


@pytest.mark.parametrize("restart_interval, block_size", [(1, 1), (16, 4096), (5, 200)])
def test_any_table_layout_reads_the_same(tmp_path: Path, restart_interval: int,
                                         block_size: int) -> None:
    prefix = str(tmp_path / "m")
    write_bundle(prefix, _tensors(), restart_interval=restart_interval, block_size=block_size)
    bundle = TensorBundle(prefix)
    np.testing.assert_array_equal(bundle.read("batch_normalization_17/moving_variance"),
                                  np.full(2, 17, np.float32))


def test_unknown_name_is_a_key_error(bundle_prefix: str) -> None:
    with pytest.raises(KeyError):
        TensorBundle(bundle_prefix).read("no/such/tensor")


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x40
    path.write_bytes(bytes(data))


def test_a_changed_byte_in_the_data_fails_its_checksum(bundle_prefix: str) -> None:
    bundle = TensorBundle(bundle_prefix)
    entry = bundle.entries["big"]
    _flip(bundle.data_path, entry.offset + entry.size // 2)
    with pytest.raises(CheckpointDamagedError, match="checksum"):
        bundle.read("big")
    assert bundle.read("big", verify=False).shape == (30_000,)  # the reader can be told
    np.testing.assert_array_equal(bundle.read("layer/bias"), _tensors()["layer/bias"])


def test_a_changed_byte_in_the_index_is_found(bundle_prefix: str) -> None:
    index = Path(f"{bundle_prefix}.index")
    _flip(index, 10)
    with pytest.raises(CheckpointDamagedError):
        TensorBundle(bundle_prefix)


@pytest.mark.parametrize("cut", [1, 30, 200])
def test_a_truncated_index_is_damaged(bundle_prefix: str, cut: int) -> None:
    index = Path(f"{bundle_prefix}.index")
    index.write_bytes(index.read_bytes()[:-cut])
    with pytest.raises(CheckpointDamagedError):
        TensorBundle(bundle_prefix)


def test_an_index_that_lost_its_beginning_is_damaged(bundle_prefix: str) -> None:
    index = Path(f"{bundle_prefix}.index")
    index.write_bytes(index.read_bytes()[150:])  # the footer is intact, its handles wrong
    with pytest.raises(CheckpointDamagedError):
        TensorBundle(bundle_prefix)


def test_a_truncated_data_file_is_damaged(bundle_prefix: str) -> None:
    bundle = TensorBundle(bundle_prefix)
    bundle.data_path.write_bytes(bundle.data_path.read_bytes()[:100])
    with pytest.raises(CheckpointDamagedError, match="truncated"):
        bundle.read("big")


def test_files_that_are_not_a_checkpoint(tmp_path: Path) -> None:
    (tmp_path / "x.index").write_bytes(b"not a table at all, just some text " * 3)
    with pytest.raises(CheckpointDamagedError, match="magic"):
        TensorBundle(tmp_path / "x")
    (tmp_path / "y.index").write_bytes(b"")
    with pytest.raises(CheckpointDamagedError):
        TensorBundle(tmp_path / "y")


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(CheckpointMissingError):
        TensorBundle(tmp_path / "absent")
    prefix = str(tmp_path / "m")
    write_bundle(prefix, {"a": np.ones(3, np.float32)})
    Path(f"{prefix}.data-00000-of-00001").unlink()
    bundle = TensorBundle(prefix)  # the index alone opens
    with pytest.raises(CheckpointMissingError):
        bundle.read("a")


def test_unsupported_bundles(tmp_path: Path) -> None:
    write_bundle(str(tmp_path / "big_endian"), {"a": np.ones(2, np.float32)}, endianness=1)
    with pytest.raises(UnsupportedCheckpointError, match="big-endian"):
        TensorBundle(tmp_path / "big_endian")
    write_bundle(str(tmp_path / "sharded"), {"a": np.ones(2, np.float32)}, shards=2)
    with pytest.raises(UnsupportedCheckpointError, match="shards"):
        TensorBundle(tmp_path / "sharded")
    write_bundle(str(tmp_path / "strings"), {"a": np.ones(2, np.float32)},
                 dtype_codes={"a": 7})
    with pytest.raises(UnsupportedCheckpointError, match="data type 7"):
        TensorBundle(tmp_path / "strings").read("a")


def test_keys_out_of_order_are_damage(tmp_path: Path) -> None:
    write_table(tmp_path / "t.index", [(b"", b""), (b"b", b""), (b"a", b"")])
    with pytest.raises(CheckpointDamagedError, match="order"):
        TensorBundle(tmp_path / "t")


def test_every_error_is_a_riffle_error() -> None:
    from player.errors import RiffleError

    for error in (CheckpointMissingError, CheckpointDamagedError, UnsupportedCheckpointError):
        assert issubclass(error, CheckpointError) and issubclass(error, RiffleError)


# -- the real checkpoint -------------------------------------------------------------------

MUSICNN = find_weights()
needs_musicnn = pytest.mark.skipif(
    MUSICNN is None, reason="musicnn's weights are not installed "
                            "(scripts/bootstrap.sh installs them)")


@needs_musicnn
def test_reads_musicnns_checkpoint_and_every_checksum_matches() -> None:
    bundle = TensorBundle(f"{MUSICNN}/")
    names = bundle.names()
    assert "conv2d/kernel" in names and "dense_1/bias" in names
    assert bundle.entries["conv2d/kernel"].shape == (7, 38, 1, 204)
    assert bundle.entries["conv2d_1/kernel"].shape == (7, 67, 1, 204)
    assert bundle.entries["dense/kernel"].shape == (1506, 200)
    total = 0
    for name in names:
        array = bundle.read(name)  # verifies each tensor's CRC-32C
        assert np.all(np.isfinite(array)), name
        total += array.nbytes
    assert total == bundle.data_path.stat().st_size
    variance = bundle.read("batch_normalization_9/moving_variance")
    assert variance.shape == (1506,) and np.all(variance > 0)
