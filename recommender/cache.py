"""A saved copy of what the auto-shuffle builds from the library, to start in milliseconds.

Building the catalog and the sound index from SQLite costs seconds at 100,000 tracks
(reading every row and every vector, fitting the sound space, placing every track in it
and measuring its hub statistics). Both depend only on the tracks and features tables, so
they are saved to one .npz file with the library's fingerprint
(player/store/fingerprint.py); the next start compares fingerprints and loads the file
when nothing changed. Titles and play counts are never cached: they are read
fresh every time.

The file is only a cache: a missing, old, damaged or foreign file is rebuilt, never
trusted.
"""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import numpy as np

from player.atomic import replacing
from player.store import LibraryFingerprint, Store
from recommender.catalog import STATIC_ARRAYS, Catalog
from recommender.index import SoundIndex
from recommender.layout import FEATURE_VERSION

logger = logging.getLogger(__name__)

#: Bump when what is saved, or how it is computed, changes.
CACHE_VERSION = 4


def _key(fingerprint: LibraryFingerprint) -> list[float]:
    return [*fingerprint.as_list(), CACHE_VERSION, FEATURE_VERSION]


def load(path: Path, store: Store, fingerprint: LibraryFingerprint
         ) -> tuple[Catalog, SoundIndex] | None:
    """The saved catalog and index if *path* holds them for this *fingerprint*, else None."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("fingerprint") != _key(fingerprint):
                return None
            arrays = {name: data[f"catalog_{name}"] for name in STATIC_ARRAYS}
            genre_sets = [frozenset(words) for words in meta["genre_sets"]]
            index = SoundIndex.restore_arrays(
                {name[6:]: data[name] for name in data.files if name.startswith("index_")},
                meta["index"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        logger.info("ignoring the auto-shuffle cache %s: %s", path, exc)
        return None
    catalog = Catalog.from_arrays(arrays, genre_sets, store.tracks.titles())
    logger.debug("auto-shuffle cache loaded from %s", path)
    return catalog, index


def save(path: Path, catalog: Catalog, index: SoundIndex,
         fingerprint: LibraryFingerprint) -> None:
    """Write the cache in one step (player/atomic.py): a reader sees the old file or the
    new one, never half of one."""
    index_arrays, index_facts = index.to_arrays()
    meta = {"fingerprint": _key(fingerprint), "index": index_facts,
            "genre_sets": [sorted(words) for words in catalog.genre_sets]}
    arrays = {f"catalog_{name}": getattr(catalog, name) for name in STATIC_ARRAYS}
    arrays |= {f"index_{name}": value for name, value in index_arrays.items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as temporary, temporary.open("wb") as out:
            np.savez(out, meta=np.array(json.dumps(meta)), **arrays)
    except OSError as exc:
        logger.warning("cannot save the auto-shuffle cache %s: %s", path, exc)
