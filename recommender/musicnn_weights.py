"""Finding and loading musicnn's trained weights, without importing the musicnn package.

The weights come from the ``musicnn`` package (0.1.0, ISC licence, by Jordi Pons; trained
on the MagnaTagATune dataset), installed with ``pip install --no-deps musicnn==0.1.0``:
its own dependencies (TensorFlow, an old numpy) are neither wanted nor installed, and its
modules import TensorFlow, so Riffle never imports them. It only looks where the package's
files are (importlib's finders and the installed distribution's file list) and reads the
checkpoint in ``musicnn/MTT_musicnn/`` (``.index`` and ``.data-00000-of-00001``) itself.

When the weights are missing or damaged, load_network() returns Unavailable with a reason a
person can read; Riffle then runs on the fast pass alone.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path

from recommender.checkpoint import CheckpointError, TensorBundle
from recommender.musicnn import Musicnn

logger = logging.getLogger(__name__)

PACKAGE = "musicnn"
MODEL = "MTT_musicnn"
INDEX_FILE = ".index"
DATA_FILE = ".data-00000-of-00001"
INSTALL_HINT = "pip install --no-deps musicnn==0.1.0"


@dataclass(frozen=True, slots=True)
class Unavailable:
    """Why the network cannot be used; *reason* is written for a person."""

    reason: str


def _holds_model(folder: Path) -> bool:
    return (folder / MODEL / INDEX_FILE).is_file() and (folder / MODEL / DATA_FILE).is_file()


def _package_folders() -> list[Path]:
    """Where the musicnn package's files may be, by the import system and by pip's record."""
    folders: list[Path] = []
    try:
        spec = importlib.util.find_spec(PACKAGE)  # finds, never runs the package's code
    except (ImportError, ValueError) as exc:
        logger.debug("looking for %s failed: %s", PACKAGE, exc)
        spec = None
    if spec is not None and spec.submodule_search_locations:
        folders.extend(Path(p) for p in spec.submodule_search_locations)
    try:
        files = importlib.metadata.distribution(PACKAGE).files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.parts[:2] == (PACKAGE, MODEL) and file.name == INDEX_FILE:
            folders.append(Path(file.locate()).parent.parent)
    return folders


def find_weights() -> Path | None:
    """The folder that holds the MagnaTagATune checkpoint's files, or None."""
    for folder in _package_folders():
        if _holds_model(folder):
            return folder / MODEL
    return None


def load_network(folder: Path | None = None) -> Musicnn | Unavailable:
    """The network with its trained weights (from *folder*, or found), or why not.

    Never raises for missing or damaged weights: the answer is then Unavailable, and the
    reason is logged once here.
    """
    folder = folder if folder is not None else find_weights()
    if folder is None:
        reason = (f"musicnn's weights are not installed ({INSTALL_HINT}); "
                  "similarity uses the fast analysis alone")
        logger.warning("%s", reason)
        return Unavailable(reason)
    try:
        bundle = TensorBundle(f"{folder}/")
        network = Musicnn(bundle.read)
    except (CheckpointError, KeyError, ValueError) as exc:
        problem = f"no tensor {exc}" if isinstance(exc, KeyError) else str(exc)
        reason = (f"musicnn's weights in {folder} cannot be used ({problem}); reinstall them "
                  f"with {INSTALL_HINT}; similarity uses the fast analysis alone")
        logger.warning("%s", reason)
        return Unavailable(reason)
    logger.info("musicnn's weights loaded from %s", folder)
    return network
