"""libvlc's own messages through Python logging, and what they tell about the sound output.

libvlc writes to stderr by default; with no sound card that is a flood (every track retries
the output and each try prints a handful of lines). `VlcLog` takes over libvlc's log: each
message goes to the logger ``riffle.libvlc`` (errors at INFO the first time a text is seen,
then at DEBUG; everything else at DEBUG: libvlc reports as errors what it then works
around, such as a sound server that is not running while ALSA plays), and the message that
says the audio output could not be created is handed to *on_output_failed*, which the
player turns into a message a person sees. `quiet_alsa` does the same for
alsa-lib, which prints its own errors straight to stderr.

Threads: libvlc calls the log callback from any of its threads; the callback only formats,
logs and calls *on_output_failed*, which must only post a note (see player/playback.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

logger = logging.getLogger("riffle.libvlc")

#: libvlc's log levels (libvlc_log_level).
_NOTICE, _WARNING, _ERROR = 2, 3, 4
#: The message libvlc logs when no audio output module could be opened.
OUTPUT_FAILED = "failed to create audio output"
#: How many distinct error texts are remembered (a repeat is logged at DEBUG).
_SEEN_LIMIT = 500
_BUFFER = 1024


def _libc_formatter() -> Callable[[bytes, Any], str] | None:
    """vsnprintf from the C library, to expand libvlc's printf-style messages."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        vsnprintf = ctypes.CDLL(name).vsnprintf
    except (OSError, AttributeError):
        return None
    vsnprintf.restype = ctypes.c_int
    vsnprintf.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p]

    def expand(fmt: bytes, args: Any) -> str:
        buffer = ctypes.create_string_buffer(_BUFFER)
        vsnprintf(buffer, _BUFFER, fmt, args)
        return buffer.value.decode("utf-8", "replace")

    return expand


class VlcLog:
    """Routes one libvlc instance's log to Python logging (see the module docstring)."""

    def __init__(self, on_output_failed: Callable[[str], None]) -> None:
        self._on_output_failed = on_output_failed
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._expand: Callable[[bytes, Any], str] | None = None
        self._context: Callable[[Any], str] | None = None
        self._callback: Any = None

    def attach(self, vlc: ModuleType, instance: Any) -> None:
        """Take over the log of libvlc *instance* (from python-vlc module *vlc*)."""
        self._expand = _libc_formatter()
        self._context = self._context_reader(vlc)
        # kept on self: libvlc holds only the C pointer, the Python object must outlive it
        self._callback = vlc.CallbackDecorators.LogCb(self._message)
        instance.log_set(self._callback, None)

    @staticmethod
    def _context_reader(vlc: ModuleType) -> Callable[[Any], str] | None:
        try:
            get = vlc.dll.libvlc_log_get_context
        except AttributeError:
            return None
        get.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p),
                        ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_uint)]
        get.restype = None

        def module_of(ctx: Any) -> str:
            module, file = ctypes.c_char_p(), ctypes.c_char_p()
            line = ctypes.c_uint()
            get(ctypes.cast(ctx, ctypes.c_void_p), ctypes.byref(module), ctypes.byref(file),
                ctypes.byref(line))
            return (module.value or b"libvlc").decode("utf-8", "replace")

        return module_of

    def _message(self, _data: Any, level: int, ctx: Any, fmt: bytes | None, args: Any) -> None:
        # libvlc's thread: never raise back into C
        try:
            if level < _ERROR and not logger.isEnabledFor(logging.DEBUG):
                return
            text = (self._expand(fmt, args) if self._expand and fmt
                    else (fmt or b"").decode("utf-8", "replace"))
            module = self._context(ctx) if self._context is not None else "libvlc"
            self.handle(level, module, text)
        except Exception:  # a logging failure must not reach libvlc
            logger.debug("could not read a libvlc message", exc_info=True)

    def handle(self, level: int, module: str, text: str) -> None:
        """Log one message (*level* as libvlc's) and act on what it says."""
        text = " ".join(text.split())
        if level >= _ERROR:
            if OUTPUT_FAILED in text:
                self._on_output_failed(text)
            with self._lock:
                first = text not in self._seen and len(self._seen) < _SEEN_LIMIT
                if first:
                    self._seen.add(text)
            logger.log(logging.INFO if first else logging.DEBUG, "%s: %s", module, text)
        else:
            logger.debug("%s: %s", module, text)


_ALSA_HANDLER: list[Any] = []  # the one process-wide handler, kept alive while loaded


def quiet_alsa() -> bool:
    """Send alsa-lib's error messages to the log (DEBUG) instead of stderr; True if done.

    alsa-lib keeps one error handler per process, shared by libvlc's ALSA output; setting
    it twice is harmless.
    """
    if _ALSA_HANDLER:
        return True
    name = ctypes.util.find_library("asound")
    if name is None:
        return False
    try:
        asound = ctypes.CDLL(name)
        set_handler = asound.snd_lib_error_set_handler
    except (OSError, AttributeError):
        return False
    # The handler is variadic in C; the fixed arguments are enough to say where it failed.
    prototype = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                 ctypes.c_int, ctypes.c_char_p)

    def handler(file: bytes | None, line: int, function: bytes | None, err: int,
                fmt: bytes | None) -> None:
        logger.debug("alsa-lib %s:%d %s (error %d): %s",
                     (file or b"").decode("utf-8", "replace"), line,
                     (function or b"").decode("utf-8", "replace"), err,
                     (fmt or b"").decode("utf-8", "replace"))

    callback = prototype(handler)
    set_handler.argtypes = [prototype]
    set_handler(callback)
    _ALSA_HANDLER.append(callback)
    return True
