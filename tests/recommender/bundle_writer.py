"""Writing small TensorFlow tensor-bundle checkpoints by hand, from the published format.

Used by the checkpoint reader's tests so they need no TensorFlow: a sorted string table
(prefix-compressed keys, restart points every *restart_interval* entries, blocks of about
*block_size* bytes, each with its compression byte and masked CRC-32C, a meta-index block,
an index block and the 48-byte footer with the magic number) of protobuf-encoded
BundleHeaderProto and BundleEntryProto values, and the raw little-endian data file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from recommender import crc32c

MAGIC = 0xDB4775248B80FB57
DTYPE_CODES = {np.dtype("<f4"): 1, np.dtype("<f8"): 2, np.dtype("<i4"): 3, np.dtype("u1"): 4,
               np.dtype("<i8"): 9, np.dtype("<f2"): 19}


def varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def field_bytes(number: int, value: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(value)) + value


def field_fixed32(number: int, value: int) -> bytes:
    return varint(number << 3 | 5) + value.to_bytes(4, "little")


def header_proto(shards: int = 1, endianness: int = 0) -> bytes:
    version = field_varint(1, 1)  # VersionDef.producer
    return field_varint(1, shards) + field_varint(2, endianness) + field_bytes(3, version)


def entry_proto(dtype: int, shape: tuple[int, ...], offset: int, size: int,
                masked_crc: int) -> bytes:
    dims = b"".join(field_bytes(2, field_varint(1, d)) for d in shape)
    out = field_varint(1, dtype) + field_bytes(2, dims)
    if offset:
        out += field_varint(4, offset)
    if size:
        out += field_varint(5, size)
    return out + field_fixed32(6, masked_crc)


def _block(entries: list[tuple[bytes, bytes]], restart_interval: int) -> bytes:
    body = bytearray()
    restarts = []
    previous = b""
    for i, (key, value) in enumerate(entries):
        if i % restart_interval == 0:
            restarts.append(len(body))
            shared = 0
        else:
            shared = 0
            while shared < min(len(previous), len(key)) and previous[shared] == key[shared]:
                shared += 1
        body += varint(shared) + varint(len(key) - shared) + varint(len(value))
        body += key[shared:] + value
        previous = key
    if not restarts:
        restarts = [0]
    for r in restarts:
        body += r.to_bytes(4, "little")
    body += len(restarts).to_bytes(4, "little")
    return bytes(body)


def _trailer(block: bytes) -> bytes:
    kind = b"\x00"
    return kind + crc32c.mask(crc32c.crc32c(block + kind)).to_bytes(4, "little")


def write_table(path: Path, entries: list[tuple[bytes, bytes]], *, restart_interval: int = 3,
                block_size: int = 96) -> None:
    """A sorted string table of *entries* (sorted by key) in several small blocks."""
    out = bytearray()
    index: list[tuple[bytes, bytes]] = []
    pending: list[tuple[bytes, bytes]] = []

    def flush() -> None:
        block = _block(pending, restart_interval)
        index.append((pending[-1][0], varint(len(out)) + varint(len(block))))
        out.extend(block + _trailer(block))
        pending.clear()

    for key, value in entries:
        pending.append((key, value))
        if sum(len(k) + len(v) for k, v in pending) >= block_size:
            flush()
    if pending:
        flush()
    meta = _block([], 1)
    meta_handle = varint(len(out)) + varint(len(meta))
    out.extend(meta + _trailer(meta))
    index_block = _block(index, 1)
    index_handle = varint(len(out)) + varint(len(index_block))
    out.extend(index_block + _trailer(index_block))
    footer = (meta_handle + index_handle).ljust(40, b"\x00") + MAGIC.to_bytes(8, "little")
    out.extend(footer)
    path.write_bytes(bytes(out))


def write_bundle(prefix: str, tensors: dict[str, np.ndarray], *, shards: int = 1,
                 endianness: int = 0, dtype_codes: dict[str, int] | None = None,
                 **table_options: int) -> None:
    """Write *tensors* as the bundle at *prefix* (files prefix.index, prefix.data-…).

    *dtype_codes* overrides the DataType code written for some names (to make an entry
    claim a type the reader does not know).
    """
    data = bytearray()
    entries = [(b"", header_proto(shards, endianness))]
    for name in sorted(tensors):
        array = np.asarray(tensors[name])
        little = array.astype(array.dtype.newbyteorder("<"))
        raw = little.tobytes(order="C")
        code = (dtype_codes or {}).get(name, DTYPE_CODES[little.dtype])
        entries.append((name.encode(), entry_proto(code, array.shape, len(data), len(raw),
                                                   crc32c.mask(crc32c.crc32c(raw)))))
        data += raw
    write_table(Path(f"{prefix}.index"), entries, **table_options)
    Path(f"{prefix}.data-00000-of-{shards:05d}").write_bytes(bytes(data))
