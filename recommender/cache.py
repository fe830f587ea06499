"""A saved copy of what the auto-shuffle builds from the library, to start in milliseconds.

Building the catalog and the sound index from SQLite costs about a second at 100,000
tracks (reading every row and every vector, standardising them). Both depend only on the
tracks and features tables, so they are saved to one .npz file with a fingerprint of those
tables; the next start compares fingerprints (one pass over each table) and loads the file
when nothing changed. Play counts are never cached: they are read fresh every time.

The file is only a cache: a missing, old, damaged or foreign file is rebuilt, never
trusted.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from player.store import Store
from recommender.catalog import STATIC_ARRAYS, Catalog
from recommender.index import GroupScaler, SoundIndex, layout_for
from recommender.layout import FEATURE_VERSION

logger = logging.getLogger(__name__)

#: Bump when what is saved, or how it is computed, changes.
CACHE_VERSION = 1


#: Slices of the fingerprint: the tracks' rows and tags, their playability, the vectors.
TRACKS, PLAYABILITY, FEATURES = slice(0, 3), slice(3, 7), slice(7, 11)


def library_fingerprint(store: Store) -> list[float]:
    """A few numbers that change whenever the tracks or the analysed vectors change
    (see TRACKS, PLAYABILITY and FEATURES for which part says what)."""
    tracks = store.db.query(
        "SELECT count(*), coalesce(max(id), 0), total(updated_at), count(missing_since), "
        "count(play_error), count(scan_error), total(coalesce(missing_since, 0)) FROM tracks"
    )[0]
    features = store.db.query(
        "SELECT count(*), total(analysed_at), count(error), coalesce(max(version), 0) "
        "FROM features"
    )[0]
    return [float(v) for v in (*tracks, *features, CACHE_VERSION, FEATURE_VERSION)]


def load(path: Path, store: Store, fingerprint: list[float]) -> tuple[Catalog, SoundIndex] | None:
    """The saved catalog and index if *path* holds them for this *fingerprint*, else None."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("fingerprint") != fingerprint:
                return None
            arrays = {name: data[f"catalog_{name}"] for name in STATIC_ARRAYS}
            genre_sets = [frozenset(words) for words in meta["genre_sets"]]
            catalog = Catalog.from_arrays(arrays, genre_sets, store)
            ids = data["index_ids"]
            scaler = GroupScaler(data["scaler_mean"], data["scaler_std"],
                                 data["scaler_weight"])
            z = data["index_z"]
            layout = layout_for(meta["version"], z.shape[1] if z.ndim == 2 else 0)
            index = SoundIndex.restore(ids, layout, scaler, z)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        logger.info("ignoring the auto-shuffle cache %s: %s", path, exc)
        return None
    logger.debug("auto-shuffle cache loaded from %s", path)
    return catalog, index


def save(path: Path, catalog: Catalog, index: SoundIndex, version: int | None,
         fingerprint: list[float]) -> None:
    """Write the cache atomically (a temporary file renamed over the old one)."""
    meta = {"fingerprint": fingerprint, "version": version,
            "genre_sets": [sorted(words) for words in catalog.genre_sets]}
    arrays = {f"catalog_{name}": getattr(catalog, name) for name in STATIC_ARRAYS}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            np.savez(out, meta=np.array(json.dumps(meta)), index_ids=index.ids,
                     index_z=index.standardised, scaler_mean=index.scaler.mean,
                     scaler_std=index.scaler.std, scaler_weight=index.scaler.weight, **arrays)
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("cannot save the auto-shuffle cache %s: %s", path, exc)
