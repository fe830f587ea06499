"""The library query language, shared by `riffle list` and the window's filter box.

    love "new order" artist:joy year:1979..1982 rating:>=4 plays:>10

Terms are separated by spaces and must all match. A free word (or a "quoted phrase")
matches when it occurs, ignoring case, in the title, artist, album, genre or the file's name
(not its folders). `field:value` narrows one field:

- text fields, matched as substrings ignoring case: `title:`, `artist:` (artist or album
  artist), `album:`, `albumartist:`, `genre:`; the value may be quoted: `album:"Low Life"`.
- number fields: `year:`, `rating:` (stars 0–5, unrated counts as 0), `plays:`, `skips:`.
  A value is a number (`year:2004`), a comparison (`rating:>=4`, `plays:>10`, `year:<1990`)
  or an inclusive range (`year:1990..1999`, `year:2000..`, `year:..1979`).

One parse gives two equivalent forms: `Query.to_sql()`, a WHERE clause over the columns of
`player.store.tracks.STATS_SQL` for the command line, and `Query.matches(track)`, a Python
predicate for filtering tracks already in memory (the window's table). Both compare text
with str.casefold, so "ÉTÉ" finds "été" in either, and take a file's name the same way
(os.path.basename, whatever the name's encoding); the SQL form needs
`register_sql_functions(connection)` once per connection. A malformed query raises
QueryError with a message that names the faulty term.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from player.errors import QueryError
from player.models import Track, file_name

__all__ = ["SQL_FILE_NAME", "SQL_FOLD", "Query", "QueryError", "parse",
           "register_sql_functions"]

#: Name of the SQL function that case-folds text like Python's str.casefold.
SQL_FOLD = "riffle_fold"
#: Name of the SQL function that gives a stored path's file name (see file_name).
SQL_FILE_NAME = "riffle_file_name"


def _fold_sql(value: Any) -> str:
    return value.casefold() if isinstance(value, str) else ""


def _file_name_sql(value: Any) -> str:
    return file_name(value) if isinstance(value, str | bytes) else ""


def register_sql_functions(conn: sqlite3.Connection) -> None:
    """Teach *conn* the functions that `Query.to_sql()` clauses call."""
    conn.create_function(SQL_FOLD, 1, _fold_sql, deterministic=True)
    conn.create_function(SQL_FILE_NAME, 1, _file_name_sql, deterministic=True)


# -- fields ---------------------------------------------------------------------------------

#: Text field name → (SQL columns, how to read the same text from a Track).
_TEXT_FIELDS: dict[str, tuple[tuple[str, ...], tuple[Callable[[Track], str | None], ...]]] = {
    "title": (("title",), (lambda t: t.display_title,)),
    "artist": (("artist", "albumartist"), (lambda t: t.artist, lambda t: t.albumartist)),
    "albumartist": (("albumartist",), (lambda t: t.albumartist,)),
    "album": (("album",), (lambda t: t.album,)),
    "genre": (("genre",), (lambda t: t.genre,)),
}
#: What a free word is looked for in: four fields and the file's name.
_FREE_COLUMNS = ("title", "artist", "album", "genre", f"{SQL_FILE_NAME}(path)")
_FREE_GETTERS: tuple[Callable[[Track], str | None], ...] = (
    lambda t: t.display_title, lambda t: t.artist, lambda t: t.album, lambda t: t.genre,
    lambda t: t.file_name,
)

#: Number field name → (SQL expression, Track getter, smallest and largest sensible value).
_NUMBER_FIELDS: dict[str, tuple[str, Callable[[Track], int | None], int, int]] = {
    "year": ("year", lambda t: t.year, 0, 9999),
    "rating": ("coalesce(rating, 0)", lambda t: t.rating or 0, 0, 5),
    "plays": ("play_count", lambda t: t.play_count, 0, 10**9),
    "skips": ("skip_count", lambda t: t.skip_count, 0, 10**9),
}

_KNOWN_FIELDS = ", ".join(f"{name}:" for name in [*_TEXT_FIELDS, *_NUMBER_FIELDS])


# -- terms ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextTerm:
    """*needle* (already case-folded) occurs in at least one of the fields."""

    needle: str
    columns: tuple[str, ...]
    getters: tuple[Callable[[Track], str | None], ...]

    def sql(self) -> tuple[str, list[Any]]:
        parts = [f"instr({SQL_FOLD}({col}), ?) > 0" for col in self.columns]
        return "(" + " OR ".join(parts) + ")", [self.needle] * len(parts)

    def matches(self, track: Track) -> bool:
        for get in self.getters:
            value = get(track)
            if value and self.needle in value.casefold():
                return True
        return False


@dataclass(frozen=True, slots=True)
class RangeTerm:
    """A number field lies within [low, high]; None leaves that side open."""

    field: str
    low: int | None
    high: int | None

    def sql(self) -> tuple[str, list[Any]]:
        expr = _NUMBER_FIELDS[self.field][0]
        parts, params = [], []
        if self.low is not None:
            parts.append(f"{expr} >= ?")
            params.append(self.low)
        if self.high is not None:
            parts.append(f"{expr} <= ?")
            params.append(self.high)
        if not parts:
            return f"{expr} IS NOT NULL", []
        return "(" + " AND ".join(parts) + ")", params

    def matches(self, track: Track) -> bool:
        value = _NUMBER_FIELDS[self.field][1](track)
        if value is None:
            return False
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value > self.high)


Term = TextTerm | RangeTerm


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: every term must match. An empty query matches every track."""

    text: str
    terms: tuple[Term, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def to_sql(self) -> tuple[str, list[Any]]:
        """(WHERE clause without the keyword, parameters); ("", []) for an empty query.

        The clause reads the columns of STATS_SQL (title, artist, albumartist, album, genre,
        path, year, rating, play_count, skip_count) and calls SQL_FOLD and SQL_FILE_NAME:
        run register_sql_functions() on the connection first.
        """
        clauses, params = [], []
        for term in self.terms:
            clause, term_params = term.sql()
            clauses.append(clause)
            params.extend(term_params)
        return " AND ".join(clauses), params

    def matches(self, track: Track) -> bool:
        """True when *track* satisfies every term (same answer as the SQL form)."""
        return all(term.matches(track) for term in self.terms)


# -- parsing --------------------------------------------------------------------------------

# A token: field:"quoted value", field:value, "quoted phrase", or a bare word.
_TOKEN = re.compile(
    r'\s*(?:(?P<field>[A-Za-z_]+):(?:"(?P<fquoted>[^"]*)"|(?P<fvalue>\S*))'
    r'|"(?P<phrase>[^"]*)"|(?P<word>\S+))'
)
_COMPARISON = re.compile(r"^(?P<op>>=|<=|>|<|=)?(?P<num>-?\d+)$")
_RANGE = re.compile(r"^(?P<low>-?\d+)?\.\.(?P<high>-?\d+)?$")


def parse(text: str) -> Query:
    """Parse *text* into a Query; raises QueryError for a term that makes no sense."""
    if text.count('"') % 2:
        raise QueryError(f"Unbalanced quote in {text!r}: close every \"phrase\".")
    terms: list[Term] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:  # pragma: no cover - the word alternative matches any non-space
            raise QueryError(f"Cannot read the query from {text[pos:]!r}.")
        pos = match.end()
        if match["field"] is not None:
            value = match["fquoted"] if match["fquoted"] is not None else match["fvalue"]
            terms.append(_field_term(match["field"].lower(), value, match.group(0).strip()))
        else:
            needle = (match["phrase"] if match["phrase"] is not None else match["word"])
            needle = needle.strip().casefold()
            if needle:
                terms.append(TextTerm(needle, _FREE_COLUMNS, _FREE_GETTERS))
    return Query(text, tuple(terms))


def _field_term(name: str, value: str, raw: str) -> Term:
    value = value.strip()
    if not value:
        raise QueryError(f"{raw!r} has no value: write for example {name}:something.")
    if name in _TEXT_FIELDS:
        columns, getters = _TEXT_FIELDS[name]
        return TextTerm(value.casefold(), columns, getters)
    if name in _NUMBER_FIELDS:
        low, high = _number_bounds(name, value, raw)
        return RangeTerm(name, low, high)
    raise QueryError(
        f"Unknown filter {name + ':'!r} in {raw!r}. Filters are {_KNOWN_FIELDS}; "
        f'to search for the text itself, quote it: "{raw}".'
    )


def _number_bounds(name: str, value: str, raw: str) -> tuple[int | None, int | None]:
    """Inclusive (low, high) for a comparison, a single number or a range."""
    smallest, largest = _NUMBER_FIELDS[name][2], _NUMBER_FIELDS[name][3]
    low: int | None
    high: int | None
    if (m := _COMPARISON.match(value)) is not None:
        number, op = int(m["num"]), m["op"] or "="
        low, high = {
            "=": (number, number),
            ">=": (number, None),
            ">": (number + 1, None),
            "<=": (None, number),
            "<": (None, number - 1),
        }[op]
        check = [number]
    elif (m := _RANGE.match(value)) is not None and (m["low"] or m["high"]):
        low = int(m["low"]) if m["low"] else None
        high = int(m["high"]) if m["high"] else None
        check = [n for n in (low, high) if n is not None]
        if low is not None and high is not None and low > high:
            raise QueryError(f"{raw!r} is an empty range: write the smaller number first.")
    else:
        example = ("year:2004, year:>=2000 or year:1990..1999" if name == "year"
                   else f"{name}:3, {name}:>=3 or {name}:1..3")
        raise QueryError(
            f"{raw!r} needs a number, a comparison or a range, for example {example}."
        )
    for number in check:
        if not smallest <= number <= largest:
            raise QueryError(f"{raw!r} is out of range: {name} goes from {smallest} to "
                             f"{largest}.")
    return low, high
