"""Reading TensorFlow's tensor-bundle checkpoints with numpy alone.

A bundle with prefix P is two files (one shard; more shards are not supported):

- ``P.index``: a sorted string table as LevelDB writes it. Blocks of entries whose keys
  share prefixes with the entry before (each entry: varint shared length, varint unshared
  length, varint value length, the unshared key bytes, the value), a uint32 array of
  restart offsets and its count at the end of each block, then a 5-byte trailer (a
  compression byte, 0 = none, and the masked CRC-32C of the block and that byte). A 48-byte
  footer at the end of the file holds two block handles (varint offset and size each: the
  meta-index, unused here, and the index block), zero padding and the magic number
  0xdb4775248b80fb57. The index block maps the last key of each data block to its handle.
- The key "" holds a BundleHeaderProto (1 num_shards, 2 endianness: 0 little, 1 big);
  every other key is a tensor's name and holds a BundleEntryProto (1 dtype, 2 shape as a
  TensorShapeProto of dims (field 2, each with its size in field 1), 3 shard id, 4 offset,
  5 size in bytes, 6 masked CRC-32C of the bytes, 7 slices for a partitioned tensor).
- ``P.data-00000-of-00001``: the tensors' raw bytes, little-endian, row-major.

The protobuf messages are decoded by hand: they are a handful of varints.
"""

from __future__ import annotations

import itertools
import logging
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from player.errors import RiffleError
from recommender import crc32c

logger = logging.getLogger(__name__)

TABLE_MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
BLOCK_TRAILER_SIZE = 5

#: TensorFlow DataType enum values Riffle can read, and their numpy types (little-endian).
DTYPES: dict[int, np.dtype] = {
    1: np.dtype("<f4"), 2: np.dtype("<f8"), 3: np.dtype("<i4"), 4: np.dtype("u1"),
    5: np.dtype("<i2"), 6: np.dtype("i1"), 9: np.dtype("<i8"), 10: np.dtype("?"),
    17: np.dtype("<u2"), 19: np.dtype("<f2"), 22: np.dtype("<u4"), 23: np.dtype("<u8"),
}


class CheckpointError(RiffleError):
    """A checkpoint cannot be read; the message names the file and says why."""


class CheckpointMissingError(CheckpointError):
    """One of the checkpoint's files is not there, or cannot be opened."""


class CheckpointDamagedError(CheckpointError):
    """A checkpoint file is truncated or its bytes do not match their checksums."""


class UnsupportedCheckpointError(CheckpointError):
    """The checkpoint is valid but uses a feature this reader does not handle."""


@dataclass(frozen=True, slots=True)
class TensorEntry:
    """Where one tensor lives in the data file, and what it is."""

    name: str
    dtype: int  # TensorFlow's DataType enum value
    shape: tuple[int, ...]
    shard: int
    offset: int  # bytes from the start of the data file
    size: int  # bytes
    masked_crc: int | None
    sliced: bool = False


# -- wire formats --------------------------------------------------------------------------


def _varint(buf: bytes, pos: int, limit: int | None = None) -> tuple[int, int]:
    """(value, next position) of the unsigned varint at *pos*; ValueError when cut short."""
    end = len(buf) if limit is None else limit
    result = shift = 0
    while True:
        if pos >= end or shift > 63:
            raise ValueError("a varint runs past its field")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _signed(value: int) -> int:
    """A protobuf int64 read as a varint, back to its sign."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of each field of a protobuf message: ints, or bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            yield number, value
        elif wire == 1 or wire == 5:
            width = 8 if wire == 1 else 4
            if pos + width > len(buf):
                raise ValueError("a fixed-width field runs past the message")
            yield number, int.from_bytes(buf[pos:pos + width], "little")
            pos += width
        elif wire == 2:
            length, pos = _varint(buf, pos)
            if pos + length > len(buf):
                raise ValueError("a length-delimited field runs past the message")
            yield number, bytes(buf[pos:pos + length])
            pos += length
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")


def _shape(message: bytes) -> tuple[int, ...]:
    dims = []
    for number, value in _fields(message):
        if number == 2 and isinstance(value, bytes):
            size = 0
            for dim_number, dim_value in _fields(value):
                if dim_number == 1 and isinstance(dim_value, int):
                    size = _signed(dim_value)
            dims.append(size)
        elif number == 3 and value:
            raise ValueError("a tensor of unknown rank")
    return tuple(dims)


def _entry(name: str, message: bytes) -> TensorEntry:
    dtype = shard = offset = size = 0
    shape: tuple[int, ...] = ()
    masked: int | None = None
    sliced = False
    for number, value in _fields(message):
        if number == 1 and isinstance(value, int):
            dtype = value
        elif number == 2 and isinstance(value, bytes):
            shape = _shape(value)
        elif number == 3 and isinstance(value, int):
            shard = value
        elif number == 4 and isinstance(value, int):
            offset = value
        elif number == 5 and isinstance(value, int):
            size = value
        elif number == 6 and isinstance(value, int):
            masked = value
        elif number == 7:
            sliced = True
    return TensorEntry(name, dtype, shape, shard, offset, size, masked, sliced)


def _block(data: bytes, offset: int, size: int, path: Path) -> list[tuple[bytes, bytes]]:
    """The (key, value) entries of the table block at *offset*, checked against its CRC."""
    end = offset + size
    if offset < 0 or end + BLOCK_TRAILER_SIZE > len(data) or size < 4:
        raise CheckpointDamagedError(f"{path}: a block lies outside the file (truncated?)")
    kind = data[end]
    stored = int.from_bytes(data[end + 1:end + 5], "little")
    if crc32c.unmask(stored) != crc32c.crc32c(data[offset:end + 1]):
        raise CheckpointDamagedError(f"{path}: a block's checksum does not match")
    if kind != 0:
        raise UnsupportedCheckpointError(f"{path}: compressed blocks are not supported")
    restarts = int.from_bytes(data[end - 4:end], "little")
    limit = end - 4 - 4 * restarts
    if restarts < 1 or limit < offset:
        raise CheckpointDamagedError(f"{path}: a block's restart array is damaged")
    points = struct.unpack_from(f"<{restarts}I", data, limit)
    entries: list[tuple[bytes, bytes]] = []
    starts = set()
    key = b""
    pos = offset
    try:
        while pos < limit:
            starts.add(pos - offset)
            shared, pos = _varint(data, pos, limit)
            unshared, pos = _varint(data, pos, limit)
            length, pos = _varint(data, pos, limit)
            if shared > len(key) or pos + unshared + length > limit:
                raise ValueError("an entry runs past its block")
            key = key[:shared] + data[pos:pos + unshared]
            pos += unshared
            entries.append((key, data[pos:pos + length]))
            pos += length
    except ValueError as exc:
        raise CheckpointDamagedError(f"{path}: a block is damaged ({exc})") from exc
    if any(p not in starts for p in points):
        raise CheckpointDamagedError(f"{path}: a block's restart points do not match its keys")
    return entries


def _read_table(path: Path) -> list[tuple[bytes, bytes]]:
    """Every (key, value) of the sorted string table in *path*, in key order."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointMissingError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    if len(data) < FOOTER_SIZE:
        raise CheckpointDamagedError(f"{path}: too short to be a checkpoint index")
    footer = data[-FOOTER_SIZE:]
    if int.from_bytes(footer[-8:], "little") != TABLE_MAGIC:
        raise CheckpointDamagedError(f"{path}: not a checkpoint index (no table magic)")
    try:
        _, pos = _varint(footer, 0, 40)  # meta-index handle: offset
        _, pos = _varint(footer, pos, 40)  # and size
        index_offset, pos = _varint(footer, pos, 40)
        index_size, _ = _varint(footer, pos, 40)
    except ValueError as exc:
        raise CheckpointDamagedError(f"{path}: the footer is damaged") from exc
    entries: list[tuple[bytes, bytes]] = []
    for _, handle in _block(data, index_offset, index_size, path):
        try:
            offset, pos = _varint(handle, 0)
            size, _ = _varint(handle, pos)
        except ValueError as exc:
            raise CheckpointDamagedError(f"{path}: a block handle is damaged") from exc
        entries.extend(_block(data, offset, size, path))
    keys = [k for k, _ in entries]
    if any(a >= b for a, b in itertools.pairwise(keys)):
        raise CheckpointDamagedError(f"{path}: the keys are out of order")
    return entries


# -- the bundle ----------------------------------------------------------------------------


class TensorBundle:
    """A tensor-bundle checkpoint opened by its prefix (the path before ``.index``).

    A prefix that ends in a path separator names a folder whose files are ``.index`` and
    ``.data-00000-of-00001`` (as TensorFlow saves to a prefix of "folder/"); pass it as a
    string, since a Path drops the trailing separator.

    Raises CheckpointMissingError when the index cannot be read, CheckpointDamagedError
    when it is truncated or fails its checksums, UnsupportedCheckpointError for big-endian
    or multi-shard bundles.
    """

    def __init__(self, prefix: str | os.PathLike[str]) -> None:
        self.prefix = os.fspath(prefix)
        self.index_path = Path(f"{self.prefix}.index")
        table = _read_table(self.index_path)
        entries: dict[str, TensorEntry] = {}
        shards = 1
        try:
            for key, value in table:
                if key == b"":
                    for number, field in _fields(value):
                        if number == 1 and isinstance(field, int):
                            shards = field
                        elif number == 2 and field != 0:
                            raise UnsupportedCheckpointError(
                                f"{self.index_path}: big-endian checkpoints are not supported")
                    continue
                name = key.decode("utf-8")
                entries[name] = _entry(name, value)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CheckpointDamagedError(f"{self.index_path}: an entry is damaged ({exc})"
                                         ) from exc
        if shards != 1:
            raise UnsupportedCheckpointError(
                f"{self.index_path}: checkpoints in {shards} shards are not supported")
        self.entries = entries
        self.data_path = Path(f"{self.prefix}.data-00000-of-00001")

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def names(self) -> list[str]:
        """Every tensor's name, sorted."""
        return sorted(self.entries)

    def read(self, name: str, *, verify: bool = True) -> np.ndarray:
        """The tensor *name* as a new numpy array in native byte order.

        With *verify* (the default) its bytes are checked against the stored CRC-32C.
        Raises KeyError for an unknown name, CheckpointMissingError when the data file
        cannot be read, CheckpointDamagedError when it is short or the bytes do not match,
        UnsupportedCheckpointError for a string or partitioned tensor.
        """
        entry = self.entries[name]
        dtype = DTYPES.get(entry.dtype)
        if dtype is None:
            raise UnsupportedCheckpointError(
                f"{self.index_path}: {name} has data type {entry.dtype}, which Riffle cannot read")
        if entry.sliced:
            raise UnsupportedCheckpointError(f"{self.index_path}: {name} is partitioned")
        count = int(np.prod(entry.shape, dtype=np.int64))
        if count * dtype.itemsize != entry.size or count < 0:
            raise CheckpointDamagedError(
                f"{self.index_path}: {name} claims {entry.size} bytes for shape {entry.shape}")
        try:
            with open(self.data_path, "rb") as f:
                f.seek(entry.offset)
                raw = f.read(entry.size)
        except OSError as exc:
            raise CheckpointMissingError(
                f"{self.data_path}: cannot read it ({exc.strerror or exc})") from exc
        if len(raw) != entry.size:
            raise CheckpointDamagedError(f"{self.data_path}: truncated inside {name}")
        if verify and entry.masked_crc is not None \
                and crc32c.crc32c(raw) != crc32c.unmask(entry.masked_crc):
            raise CheckpointDamagedError(f"{self.data_path}: {name} does not match its checksum")
        return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="), copy=True) \
            .reshape(entry.shape)
