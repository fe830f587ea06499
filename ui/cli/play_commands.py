"""Playback from the terminal: `riffle play [QUERY]`.

The same player as the window (player.assembly), driven by a plain loop: the backend's
callback drops events into an EventQueue and this thread, which owns the Session, feeds them
in; writes are done at once on this thread (player.work.InlineWork). Ctrl-C (or SIGTERM)
stops cleanly: the open play is finished as stopped and the queue keeps its place.
"""

from __future__ import annotations

import argparse
import random
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from player import edits
from player.assembly import Player, assemble_player
from player.formatting import artist_title, duration
from player.history import ChangeReason
from player.models import Track
from player.playback import Backend, EventQueue
from player.playlist_io import playlist_tracks
from player.queue import Filler, Queue, RepeatMode
from player.settings import VOLUME
from player.settings import Settings as TypedSettings
from player.work import InlineWork
from ui.cli.context import CliContext


def register(sub: Any) -> None:
    p = sub.add_parser(
        "play", help="play matching tracks (or the whole library, shuffled) in the terminal",
        description="Play the tracks matching QUERY, in library order (or shuffled with "
        "--shuffle), until they end. Without a query, go on with the saved queue and keep it "
        "filled with shuffled picks from the whole library; when that gives nothing to play "
        "(auto-shuffle off, or repeat queue on an empty queue), and always with --shuffle, "
        "play the whole library shuffled. Ctrl-C stops. Every play is logged like in the "
        "window. QUERY works as in `riffle list`.")
    p.add_argument("query", nargs="*", metavar="QUERY", help="words and filters, all must match")
    p.add_argument("--shuffle", action="store_true",
                   help="play the matches (without QUERY: the whole library) in random order")
    p.add_argument("--repeat", choices=["off", "one", "queue"],
                   help="repeat mode for this session (default: the saved setting)")
    p.add_argument("--aout", metavar="NAME",
                   help="libvlc audio output module (pulse, alsa, ...; default: libvlc's choice)")
    p.add_argument("--playlist", metavar="NAME",
                   help="play a saved playlist (or a smart one's tracks now) in its order")
    p.add_argument("--no-learn", action="store_true",
                   help="log the plays but let the auto-shuffle learn nothing from them "
                   "(someone else is listening)")
    p.set_defaults(handler=run_play)


def _describe(track: Track) -> str:
    length = f"  [{duration(track.duration)}]" if track.duration else ""
    return (f"{artist_title(track.display_artist, track.display_title)} "
            f"({track.display_album}){length}")


def _matches(ctx: CliContext, words: list[str], shuffle: bool) -> list[int]:
    tracks = ctx.store.tracks.find(" ".join(words), playable=True)
    ids = [t.id for t in tracks if t.id is not None]
    if shuffle:
        random.shuffle(ids)
    return ids


def _playlist(ctx: CliContext, name: str, shuffle: bool) -> list[int]:
    """The playable tracks of a saved playlist, in its order (or shuffled)."""
    playlist = edits.playlist_by_name(ctx.store, name)
    ids = [t.id for t in playlist_tracks(ctx.store, playlist)
           if t.id is not None and not t.missing and t.play_error is None]
    if shuffle:
        random.shuffle(ids)
    return ids


@contextmanager
def _signals_stop() -> Iterator[Callable[[], None]]:
    """While playing, SIGTERM stops like Ctrl-C (KeyboardInterrupt). Yields a function
    that ignores both signals from then on, so a second Ctrl-C cannot cut the clean-up."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    def ignore() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    try:
        saved = (signal.getsignal(signal.SIGINT), signal.signal(signal.SIGTERM, interrupt))
    except ValueError:  # not the main thread: leave signals alone
        yield lambda: None
        return
    try:
        yield ignore
    finally:
        signal.signal(signal.SIGINT, saved[0])
        signal.signal(signal.SIGTERM, saved[1])


def _has_something_to_play(queue: Queue) -> bool:
    return queue.current is not None or queue.peek_next(ChangeReason.NEXT) is not None


def prepare_player(args: argparse.Namespace, ctx: CliContext, backend: Backend,
                   ids: list[int]) -> Player:
    """The player `riffle play` drives: playing the matches *ids* of a query; without one,
    the saved queue kept filled by the auto-shuffle, or the whole library shuffled when that
    gives nothing to play (or --shuffle asks for it). Its queue may be empty: the library
    has nothing."""
    store = ctx.store
    explicit = bool(args.query) or args.shuffle or bool(getattr(args, "playlist", None))
    work = InlineWork(store)
    make_filler = ctx.factories.get("filler")
    filler: Filler | None = make_filler(store, work) if make_filler and not explicit else None
    try:
        player = assemble_player(store, backend, work, filler=filler,
                                 repeat=RepeatMode(args.repeat) if args.repeat else None,
                                 auto=False if explicit else None,
                                 output_chosen=bool(args.aout),
                                 on_message=lambda text: ctx.err(f"riffle play: {text}"))
    except BaseException:
        backend.close()  # another Riffle plays from this library: nothing was touched
        raise
    queue = player.queue
    if not args.query and not getattr(args, "playlist", None) \
            and (args.shuffle or not _has_something_to_play(queue)):
        ids = _matches(ctx, [], shuffle=True)
    if ids:
        queue.clear()
        queue.play_now(ids)
    return player


def run_play(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    settings = TypedSettings(store.settings)
    ids = _matches(ctx, args.query, args.shuffle) if args.query else []
    if args.query and not ids:
        ctx.err(f"riffle play: no playable track matches {' '.join(args.query)!r}")
        return 1
    if args.playlist:
        if args.query:
            ctx.err("riffle play: give a QUERY or --playlist, not both")
            return 2
        ids = _playlist(ctx, args.playlist, args.shuffle)
        if not ids:
            ctx.err(f"riffle play: the playlist {args.playlist!r} has no playable track")
            return 1
    # The engine first: without libvlc this fails (PlaybackError) before the queue changes.
    inbox = EventQueue()
    backend: Backend = ctx.factories["backend"](inbox.put, audio_output=args.aout,
                                                volume=settings.get(VOLUME))
    player = prepare_player(args, ctx, backend, ids)
    session = player.session
    session.set_learning(not args.no_learn)
    if not _has_something_to_play(player.queue):
        player.close()
        ctx.err("riffle play: nothing to play. Add music with: riffle scan FOLDER")
        return 1
    shown: list[int | None] = [None]  # the play row last announced

    def show_now_playing() -> None:
        entry, track, play = session.entry, session.track, session.tracker.play_id
        if entry is None or track is None or not session.started or play == shown[0]:
            return
        shown[0] = play
        ctx.out(f"▶ {_describe(track)}")
        if entry.reason:
            ctx.out(f"    {entry.reason}")
        ctx.stdout.flush()

    session.listeners.append(show_now_playing)
    status = 0
    with _signals_stop() as hold_signals:
        try:
            session.play()
            while session.active:
                event = inbox.get(timeout=0.5)
                if event is not None:
                    session.handle_event(event)
        except KeyboardInterrupt:
            status = 130
        finally:
            hold_signals()
            player.close()
    if status:
        ctx.err("riffle play: stopped")
    return status
