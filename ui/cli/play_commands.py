"""Playback from the terminal: `riffle play [QUERY]`.

The same player as the window (player.session.Session over the libvlc backend), driven by a
plain loop: the backend's callback drops events into an EventQueue and this thread, which
owns the Session, feeds them in. Ctrl-C (or SIGTERM) stops cleanly: the open play is
finished as stopped and the queue keeps its place.
"""

from __future__ import annotations

import argparse
import random
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from player.history import ChangeReason, PlayTracker
from player.models import Track
from player.playback import Backend, EventQueue, VlcBackend
from player.queue import Filler, Queue, RepeatMode
from player.session import Session
from player.settings import (
    AUDIO_DEVICE,
    AUDIO_OUTPUT,
    AUTO_AHEAD,
    AUTO_SHUFFLE,
    MUTED,
    REPEAT,
    REPLAYGAIN_MODE,
    VOLUME,
)
from player.settings import Settings as TypedSettings
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
    p.set_defaults(handler=run_play)


def _describe(track: Track) -> str:
    minutes, seconds = divmod(round(track.duration or 0), 60)
    length = f"  [{minutes}:{seconds:02d}]" if track.duration else ""
    return f"{track.display_artist} – {track.display_title} ({track.display_album}){length}"


def _matches(ctx: CliContext, words: list[str], shuffle: bool) -> list[int]:
    tracks = ctx.store.tracks.find(" ".join(words), playable=True)
    ids = [t.id for t in tracks if t.id is not None]
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


def prepare_queue(args: argparse.Namespace, ctx: CliContext, settings: TypedSettings,
                  ids: list[int]) -> Queue:
    """The queue `riffle play` plays: the matches *ids* of a query; without one, the saved
    queue kept filled by the auto-shuffle, or the whole library shuffled when that gives
    nothing to play (or --shuffle asks for it). May be empty: the library has nothing."""
    explicit = bool(args.query) or args.shuffle
    make_filler = ctx.factories.get("filler")
    filler: Filler | None = make_filler(ctx.store) if make_filler and not explicit else None
    queue = Queue(filler, ahead=settings.get(AUTO_AHEAD),
                  auto=settings.get(AUTO_SHUFFLE) and not explicit,
                  repeat=RepeatMode(args.repeat or settings.get(REPEAT)),
                  state=ctx.store.queue_state)
    if not args.query and (args.shuffle or not _has_something_to_play(queue)):
        ids = _matches(ctx, [], shuffle=True)
    if ids:
        queue.clear()
        queue.play_now(ids)
    return queue


def run_play(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    settings = TypedSettings(store.settings)
    ids = _matches(ctx, args.query, args.shuffle) if args.query else []
    if args.query and not ids:
        ctx.err(f"riffle play: no playable track matches {' '.join(args.query)!r}")
        return 1
    # The engine first: without libvlc this fails (PlaybackError) before the queue changes.
    inbox = EventQueue()
    make_backend = ctx.factories.get("backend", VlcBackend)
    backend: Backend = make_backend(inbox.put, audio_output=args.aout,
                                    volume=settings.get(VOLUME))
    queue = prepare_queue(args, ctx, settings, ids)
    if not _has_something_to_play(queue):
        backend.close()
        ctx.err("riffle play: nothing to play. Add music with: riffle scan FOLDER")
        return 1
    backend.set_mute(settings.get(MUTED))
    if not args.aout and settings.get(AUDIO_OUTPUT):
        backend.set_audio_output(settings.get(AUDIO_OUTPUT), settings.get(AUDIO_DEVICE) or None)
    session = Session(backend, queue, PlayTracker(store.plays), store.tracks,
                      replaygain=settings.get(REPLAYGAIN_MODE),
                      on_message=lambda text: ctx.err(f"riffle play: {text}"))
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
            session.shutdown()
            backend.close()
    if status:
        ctx.err("riffle play: stopped")
    return status
