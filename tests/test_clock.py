"""Chainlit's 1 ms pause per message and step is gone, and what is sent in a row still gets increasing stamps, by
which a resumed chat is ordered (web.hosting.steady_timestamps)."""

from __future__ import annotations

import importlib
import re

from web_fixtures import drive, emitted

from web.hosting import SteadyClock, _NoPause, steady_timestamps


def test_stamps_increase_are_distinct_and_keep_six_decimals():
    clock = SteadyClock()
    stamps = [clock() for _ in range(2000)]  # far more than the clock's resolution can tell apart
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", s) for s in stamps)


def test_only_the_constructors_millisecond_pause_is_dropped():
    slept = []

    class Real:
        def sleep(self, seconds):
            slept.append(seconds)

        def monotonic(self):
            return 42.0

    shim = _NoPause(Real())
    shim.sleep(0.001)
    shim.sleep(0.5)
    assert slept == [0.5]
    assert shim.monotonic() == 42.0  # everything else is the real module's


def test_messages_sent_in_a_row_are_stamped_in_order():
    steady_timestamps()
    steady_timestamps()  # twice is harmless
    assert isinstance(importlib.import_module("chainlit.message").utc_now, SteadyClock)

    import time

    sent, paused = [], []
    real_sleep = time.sleep

    def sleep(seconds):
        paused.append(seconds)
        real_sleep(seconds)

    async def work(ctx):
        import chainlit as cl

        for n in range(20):
            await cl.Message(content=f"message {n}").send()
        sent.extend(m for _, m in emitted(ctx, "new_message"))

    time.sleep = sleep
    try:
        drive(work)
    finally:
        time.sleep = real_sleep
    assert 0.001 not in paused  # Chainlit's constructors no longer pause the event loop
    stamps = [m["createdAt"] for m in sent]
    assert [m["output"] for m in sent] == [f"message {n}" for n in range(20)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 20
