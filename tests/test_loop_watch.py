"""The blocking-call detector the web handler tests run under: it reports a loop held up, and only then."""

from __future__ import annotations

import asyncio
import time

from web_fixtures import BLOCKING_LIMIT, watched_loops


def test_a_callback_that_blocks_the_loop_is_reported():
    async def reads_a_big_file_inline():
        time.sleep(BLOCKING_LIMIT + 0.3)

    with watched_loops() as blocked:
        asyncio.run(reads_a_big_file_inline())
    assert len(blocked) == 1 and "took" in blocked[0]


def test_waiting_without_blocking_is_not_reported():
    async def waits_its_turn():
        await asyncio.sleep(BLOCKING_LIMIT + 0.3)
        await asyncio.to_thread(time.sleep, 0.1)

    with watched_loops() as blocked:
        asyncio.run(waits_its_turn())
    assert blocked == []
