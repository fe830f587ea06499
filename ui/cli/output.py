"""Text the command line prints: safe on a terminal for people, exact in JSON for scripts.

File names and tags come from anywhere. Printed as they are, an escape sequence in a file
name clears the screen or retitles the terminal, and a right-to-left override makes
"evil\\u202e3pm.exe" look like "evilexe.mp3". So every line the commands print passes
through `terminal_text`, which shows such characters as visible escapes (\\x1b, \\u202e);
`shown` does the same for a path and also keeps it on one line. JSON (`dumps`) already
escapes control characters; it also writes bidirectional controls, C1 controls and a
non-UTF-8 name's lone surrogates as \\uXXXX escapes, which a JSON reader turns back into
the exact characters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from player.formatting import path_text

# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional formatting
# characters (marks, embeddings, overrides, isolates), line and paragraph separators.
_BIDI_AND_SEPARATORS = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
_UNSAFE_IN_PATH = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
# What JSON text may still hold raw (json.dumps escapes C0 itself): C1 controls, the
# bidirectional characters above, and lone surrogates.
_RAW_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI_AND_SEPARATORS}\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """*text* with every character that could steer a terminal shown as an escape;
    newlines and tabs stay (they lay out the output)."""
    return _UNSAFE.sub(_escape, text)


def shown(path: str) -> str:
    """A path as one line of text a terminal can print: bytes that are not UTF-8 as U+FFFD,
    control and bidirectional characters (newlines included) as escapes."""
    return _UNSAFE_IN_PATH.sub(_escape, path_text(path))


def dumps(document: Any) -> str:
    """JSON text that keeps non-ASCII readable and every string exact: a non-UTF-8 path's
    surrogates, C1 controls and bidirectional controls are written as \\uXXXX escapes."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
