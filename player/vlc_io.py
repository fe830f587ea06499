"""What goes into libvlc and what comes out of it besides sound: file MRLs made from a
path's bytes, the sound outputs it offers, and a tap on the decoded audio.

Kept apart from the engine (player/playback.py), which calls these with its own instance
and player; player.playback re-exports what a caller needs.
"""

from __future__ import annotations

import ctypes
import os
import urllib.parse
from collections.abc import Callable
from types import ModuleType
from typing import Any

from player.backend import AudioOutput

#: Decoded audio handed to a tap: signed 16-bit mono samples at TAP_RATE Hz (native byte
#: order); an empty chunk means libvlc flushed (a seek): what follows starts afresh.
AudioTap = Callable[[bytes], None]
TAP_RATE = 44100
#: Output modules libvlc lists that are not a way for a person to hear anything.
HIDDEN_OUTPUTS = frozenset({"amem", "afile", "adummy", "dummy"})


def file_mrl(path: str) -> str:
    """A file:// MRL of *path* made from its exact bytes, percent-encoded: a name that is
    not valid UTF-8 reaches libvlc unchanged (as a str it would not even encode)."""
    return "file://" + urllib.parse.quote(os.fsencode(os.path.abspath(path)))


def list_outputs(vlc: ModuleType, instance: Any) -> list[AudioOutput]:
    """libvlc's output modules a person can hear through, each with the devices it lists
    (an empty list of devices: the module has only its default one)."""
    found = []
    for module in instance.audio_output_enumerate_devices() or []:
        name = _text(module.get("name"))
        if not name or name in HIDDEN_OUTPUTS:
            continue
        found.append(AudioOutput(name, _text(module.get("description")) or name,
                                 tuple(_devices(vlc, instance, name))))
    return found


def _devices(vlc: ModuleType, instance: Any, module: str) -> list[tuple[str, str]]:
    head = instance.audio_output_device_list_get(module)
    devices, node = [], head
    while node:
        item = node.contents
        if item.device:
            devices.append((_text(item.device), _text(item.description) or _text(item.device)))
        node = item.next
    if head:
        vlc.libvlc_audio_output_device_list_release(head)
    return devices


def attach_tap(vlc: ModuleType, player: Any, tap: AudioTap) -> tuple[Any, ...]:
    """Make *player* decode into *tap* instead of a sound output. Returns the ctypes
    callbacks, which the caller keeps as long as the player lives (libvlc holds only
    their C pointers). *tap* runs on libvlc's audio thread: it must only store the data."""

    def play(_opaque: Any, samples: Any, count: int, _pts: int) -> None:
        tap(ctypes.string_at(samples, count * 2))

    def flush(_opaque: Any, _pts: int) -> None:
        tap(b"")

    callbacks = (vlc.CallbackDecorators.AudioPlayCb(play),
                 vlc.CallbackDecorators.AudioFlushCb(flush))
    player.audio_set_callbacks(callbacks[0], None, None, callbacks[1], None, None)
    player.audio_set_format("S16N", TAP_RATE, 1)
    return callbacks


def _text(raw: Any) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return "" if raw is None else str(raw)
