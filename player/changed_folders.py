"""Which folders to scan when files change on disk, so a library follows the disk without
a full rescan.

A change to a file is seen by scanning its folder (a new folder is scanned itself): new and
edited files are read, files gone are marked missing (player/library.py). The folder is the
closest one that still exists and shows something: a folder emptied or removed inside a
library folder is scanned from its parent, so what it held is marked missing. A library
folder itself that is gone or empty is never stepped over: an unplugged disk or an
unmounted share looks just like that, and its tracks must stay (the scanner leaves such a
folder alone).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from player.walk import RootState, root_state


def _root_of(path: str, roots: list[str]) -> str | None:
    """The library folder holding *path* (the deepest one), None if outside them all."""
    holding = [r for r in roots if path == r or path.startswith(r.rstrip(os.sep) + os.sep)]
    return max(holding, key=len) if holding else None


def folders_to_scan(changed: Iterable[str], roots: Iterable[str]) -> list[str]:
    """The folders to scan for the changed *paths* (files or folders) within *roots*;
    paths outside every library folder are ignored. Sorted, none inside another."""
    root_list = [os.path.normpath(r) for r in roots]
    picked: set[str] = set()
    for path in changed:
        path = os.path.normpath(path)
        root = _root_of(path, root_list)
        if root is None:
            continue
        if path != root and os.path.isdir(path):
            if root_state(path) is RootState.EMPTY:
                continue  # a new folder with nothing in it yet: its files will tell
            folder = path
        else:
            folder = path if path == root else os.path.dirname(path)
        while folder != root and root_state(folder) is not RootState.PRESENT:
            folder = os.path.dirname(folder)
        picked.add(folder)
    ordered = sorted(picked, key=len)
    kept: list[str] = []
    for folder in ordered:
        if not any(folder == k or folder.startswith(k.rstrip(os.sep) + os.sep) for k in kept):
            kept.append(folder)
    return sorted(kept)
