"""CRC-32C against published check values, and the chunked path against the plain one."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.crc32c import crc32c, mask, unmask


@pytest.mark.parametrize("data, expected", [
    (b"", 0x00000000),
    (b"123456789", 0xE3069283),  # the CRC catalogue's check value
    (bytes(32), 0x8A9136AA),  # RFC 3720 (iSCSI), B.4
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
])
def test_published_values(data: bytes, expected: int) -> None:
    assert crc32c(data) == expected


@pytest.mark.parametrize("size", [16_383, 16_384, 65_537, 1_000_003])
def test_large_inputs_match_the_sum_of_their_parts(size: int) -> None:
    data = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    whole = crc32c(data)
    # Pieces below the chunking threshold take the plain byte loop.
    running = 0
    for start in range(0, size, 9_000):
        running = crc32c(data[start:start + 9_000], running)
    assert whole == running
    assert crc32c(data[:-1] + bytes([data[-1] ^ 1])) != whole


def test_accepts_numpy_arrays_and_memoryviews() -> None:
    array = np.arange(10_000, dtype=np.float32)
    assert crc32c(array) == crc32c(array.tobytes()) == crc32c(memoryview(array.tobytes()))


def test_mask_round_trip_and_known_value() -> None:
    for value in (0, 1, 0xE3069283, 0xFFFFFFFF):
        assert unmask(mask(value)) == value
    assert mask(0) == 0xA282EAD8
