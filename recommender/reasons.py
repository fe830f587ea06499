"""Short reasons a person can read for each auto-shuffle pick."""

from __future__ import annotations

import time
from collections.abc import Sequence

from player.formatting import stars

#: How the feature groups read in a sentence ("similar timbre and tempo").
GROUP_WORDS = {
    "timbre": "timbre",
    "spectral": "sound",
    "rhythm": "rhythm",
    "dynamics": "dynamics",
    "tonality": "key",
    "genre": "genre",
    "year": "era",
}

DAY = 86_400.0
#: A track added this many days ago or less, and never played, is "new in your library".
NEW_DAYS = 30.0


def quoted(title: str) -> str:
    return f"'{title}'"


def similar(groups: Sequence[str]) -> str:
    """'similar timbre and rhythm' from the groups that agree most (best first)."""
    words = [GROUP_WORDS.get(g, g) for g in groups[:2]]
    if not words:
        return ""
    return "similar " + " and ".join(dict.fromkeys(words))


def sounds_alike(groups: Sequence[str]) -> str:
    """What two neighbours share, for a list of similar tracks: 'similar timbre and
    rhythm', or 'near in overall sound' when no group stands out."""
    return similar(groups) or "near in overall sound"


def _with(text: str, groups: Sequence[str]) -> str:
    detail = similar(groups)
    return f"{text} — {detail}" if detail else text


def because_rated(stars_given: int, title: str, groups: Sequence[str]) -> str:
    return _with(f"because you rated {stars(stars_given)} {quoted(title)}", groups)


def because_played(title: str, groups: Sequence[str]) -> str:
    return _with(f"like {quoted(title)}, which you play to the end", groups)


def own_judgement(stars_given: int | None) -> str:
    """Why a track the listener judged comes back: their stars, or their habit."""
    if stars_given:
        return f"you rated it {stars(stars_given)}"
    return "one you usually play to the end"


def flows_from(title: str, groups: Sequence[str]) -> str:
    return _with(f"flows on from {quoted(title)}", groups)


def novelty(added_at: float, last_played: float | None, now: float | None = None) -> str:
    """'new in your library', 'never played' or 'not played for 7 months'."""
    now = time.time() if now is None else now
    if last_played is None:
        if now - added_at < NEW_DAYS * DAY:
            return "new in your library"
        return "never played yet"
    days = (now - last_played) / DAY
    if days < 1:
        return "played today"
    if days >= 365:
        years = int(days // 365)
        return f"not played for {years} year{'s' if years > 1 else ''}"
    if days >= 60:
        return f"not played for {int(days // 30)} months"
    whole = int(days)
    return f"not played for {whole} day{'s' if whole > 1 else ''}"


def asked_for_more(region: str) -> str:
    """Why a track of a region the listener asked more of is picked."""
    return f"more of {quoted(region)}, as you asked" if region else "more of this, as you asked"


SOMETHING_DIFFERENT = "something different"
SHUFFLED = "shuffled in from your library"
