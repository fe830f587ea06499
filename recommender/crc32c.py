"""CRC-32C (Castagnoli), the checksum TensorFlow's checkpoints carry, fast enough in numpy.

A byte-at-a-time loop in Python would take about a second for the few megabytes of a
network's weights. Instead the bytes are cut into many equal chunks whose CRC registers are
advanced together, one numpy step per byte position; the chunks' results are then joined
in order. CRC without its initial and final inversion is linear over GF(2): the register
after chunk i is shift(register before it) XOR the chunk's own zero-start register, where
*shift* (the effect of running a chunk's worth of zero bytes) is a fixed linear map, applied
as four byte-indexed tables.

Also here: the "masked" form that LevelDB-style tables (and so TensorFlow) store, which
keeps a CRC of data that itself contains CRCs from looking like one.
"""

from __future__ import annotations

import functools
import math

import numpy as np

#: The Castagnoli polynomial, bit-reversed (the form a right-shifting CRC uses).
POLYNOMIAL = 0x82F63B78
_MASK_DELTA = 0xA282EAD8
_U32 = 0xFFFFFFFF

#: Below this many bytes a plain loop is quicker than setting up the chunks.
_SMALL = 16384


@functools.cache
def _table_list() -> list[int]:
    return [int(v) for v in _table()]


@functools.cache
def _table() -> np.ndarray:
    """The 256-entry table: the register change caused by one byte value."""
    crc = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        crc = np.where(crc & 1, (crc >> 1) ^ np.uint32(POLYNOMIAL), crc >> 1)
    return crc.astype(np.uint32)


def _advance(registers: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Run each row of *data* (uint8, chunks × length) through its register."""
    table = _table()
    columns = np.ascontiguousarray(data.T, dtype=np.uint32)
    for column in columns:
        registers = table[registers.astype(np.uint8) ^ column] ^ (registers >> 8)
    return registers


@functools.cache
def _shift_tables(length: int) -> np.ndarray:
    """(4, 256) tables: the register after *length* zero bytes, split by the input byte."""
    basis = (np.uint32(1) << np.arange(32, dtype=np.uint32)).astype(np.uint32)
    moved = _advance(basis, np.zeros((32, length), dtype=np.uint8))
    bits = (np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1  # (256, 8)
    tables = np.zeros((4, 256), dtype=np.uint32)
    for byte in range(4):
        columns = moved[8 * byte:8 * byte + 8]
        picked = np.where(bits.astype(bool), columns[None, :], np.uint32(0))
        tables[byte] = np.bitwise_xor.reduce(picked, axis=1)
    return tables


def crc32c(data: bytes | bytearray | memoryview | np.ndarray, crc: int = 0) -> int:
    """The CRC-32C of *data*, continuing from *crc* (the CRC of what came before)."""
    raw = np.ascontiguousarray(data).data if isinstance(data, np.ndarray) else memoryview(data)
    view = raw.cast("B")
    reg = crc ^ _U32
    n = len(view)
    done = 0
    if n >= _SMALL:
        # A numpy step costs about as much as 30 turns of the joining loop, hence chunks
        # about 30 times more numerous than long; lengths are powers of two, so that a few
        # shift tables serve every size.
        length = 1 << round(math.log2(math.sqrt(n / 30)))
        chunks = n // length
        body = np.frombuffer(view, dtype=np.uint8)[:chunks * length].reshape(chunks, length)
        parts = _advance(np.zeros(chunks, dtype=np.uint32), body)
        t0, t1, t2, t3 = (row.tolist() for row in _shift_tables(length))
        for part in parts.tolist():
            reg = t0[reg & 0xFF] ^ t1[(reg >> 8) & 0xFF] ^ t2[(reg >> 16) & 0xFF] \
                ^ t3[reg >> 24] ^ part
        done = chunks * length
    table = _table_list()
    for byte in view[done:]:
        reg = table[(reg ^ byte) & 0xFF] ^ (reg >> 8)
    return reg ^ _U32


def mask(crc: int) -> int:
    """The masked form of *crc* that LevelDB-style tables and TensorFlow store."""
    return ((((crc >> 15) | (crc << 17)) & _U32) + _MASK_DELTA) & _U32


def unmask(masked: int) -> int:
    """The CRC that mask() turned into *masked*."""
    rot = (masked - _MASK_DELTA) & _U32
    return ((rot >> 17) | (rot << 15)) & _U32
