"""Finding musicnn's weights without importing the package, and saying when they are not there."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recommender import musicnn_weights
from recommender.musicnn import Musicnn
from recommender.musicnn_weights import (
    DATA_FILE,
    INDEX_FILE,
    Unavailable,
    find_weights,
    load_network,
)

INSTALLED = find_weights()
needs_musicnn = pytest.mark.skipif(
    INSTALLED is None, reason="musicnn's weights are not installed "
                              "(scripts/bootstrap.sh installs them)")


@needs_musicnn
def test_finds_the_installed_checkpoint() -> None:
    assert INSTALLED is not None
    assert INSTALLED.name == "MTT_musicnn"
    assert (INSTALLED / INDEX_FILE).is_file() and (INSTALLED / DATA_FILE).is_file()
    assert isinstance(load_network(), Musicnn)


@needs_musicnn
def test_loading_neither_imports_musicnn_nor_tensorflow() -> None:
    code = ("import sys; from recommender.musicnn_weights import load_network; "
            "from recommender.musicnn import Musicnn; "
            "assert isinstance(load_network(), Musicnn); "
            "bad = [m for m in ('musicnn', 'tensorflow', 'librosa') if m in sys.modules]; "
            "assert not bad, bad")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=120)


@needs_musicnn
def test_found_through_the_installed_files_when_the_finder_says_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert find_weights() == INSTALLED


def test_not_installed_is_unavailable_and_said_once(monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    def no_distribution(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(importlib.metadata, "distribution", no_distribution)
    assert find_weights() is None
    with caplog.at_level(logging.WARNING, logger=musicnn_weights.__name__):
        result = load_network()
    assert isinstance(result, Unavailable)
    assert "not installed" in result.reason and "--no-deps musicnn==0.1.0" in result.reason
    assert "fast analysis alone" in result.reason
    assert [r.getMessage() for r in caplog.records] == [result.reason]


def test_an_empty_folder_is_unavailable(tmp_path: Path) -> None:
    result = load_network(tmp_path)
    assert isinstance(result, Unavailable)
    assert str(tmp_path) in result.reason and "cannot be used" in result.reason


@needs_musicnn
def test_damaged_weights_are_unavailable_with_the_reason(tmp_path: Path) -> None:
    assert INSTALLED is not None
    copy = tmp_path / "MTT_musicnn"
    shutil.copytree(INSTALLED, copy)
    data = bytearray((copy / DATA_FILE).read_bytes())
    data[6_000_000] ^= 0x01  # inside dense/kernel
    (copy / DATA_FILE).write_bytes(bytes(data))
    result = load_network(copy)
    assert isinstance(result, Unavailable)
    assert "dense/kernel" in result.reason and "checksum" in result.reason


@needs_musicnn
def test_a_checkpoint_missing_a_layer_is_unavailable(tmp_path: Path) -> None:
    from bundle_writer import write_bundle

    from recommender.checkpoint import TensorBundle

    assert INSTALLED is not None
    bundle = TensorBundle(f"{INSTALLED}/")
    tensors = {n: bundle.read(n) for n in bundle.names()
               if "Adam" not in n and not n.startswith("dense_1/")}
    (tmp_path / "partial").mkdir()
    write_bundle(f"{tmp_path}/partial/", tensors, block_size=4096, restart_interval=16)
    result = load_network(tmp_path / "partial")
    assert isinstance(result, Unavailable)
    assert "no tensor 'dense_1/kernel'" in result.reason
