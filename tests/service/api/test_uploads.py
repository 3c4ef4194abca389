"""Uploads are limited while the body streams in, not after it has been read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.api.uploads import FORM_OVERHEAD, TooLarge, limited


def test_the_size_is_checked_while_the_body_streams_in() -> None:
    read = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal read
        for _ in range(1000):  # 64 MB on offer
            read += 1
            yield b"\x00" * 65536

    async def consume() -> None:
        async for _ in limited(body(), 1024 * 1024):
            pass

    # A thread of its own: a browser test in the same worker may have left this thread's
    # event loop running, and asyncio.run refuses to start inside a running loop.
    with ThreadPoolExecutor(1) as pool, pytest.raises(TooLarge):
        pool.submit(asyncio.run, consume()).result()
    assert read == (1024 * 1024 + FORM_OVERHEAD) // 65536 + 1
