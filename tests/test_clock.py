"""Chainlit's 1 ms pause per message and step is gone, and what is sent in a row still gets increasing stamps, by
which a resumed chat is ordered (web.hosting.steady_timestamps); what the server loads at start is frozen out of the
garbage collector's way (web.knowledge.settle_heap)."""

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


def test_what_the_server_loads_at_start_is_kept_out_of_the_collectors_way(tmp_path, monkeypatch):
    """Full collections walked every object loaded at start with the event loop stopped (pauses of 100-220 ms under
    load): once dense retrieval has loaded, those objects are frozen, and a full collection no longer walks them."""
    import gc

    from chains.settings import Settings
    from web import knowledge

    class _KB:
        load_error = None

        def load_dense(self):
            self.loaded = [[] for _ in range(1000)]  # the model and index, standing in (objects the collector tracks)
            return True

    kb = _KB()
    monkeypatch.setattr(knowledge, "knowledge_base", lambda settings: kb)
    monkeypatch.setattr(knowledge, "_loader", None)
    gc.unfreeze()
    try:
        knowledge.start_dense_loading(Settings(data_dir=tmp_path, llm="off")).join(10)
        walked = {id(o) for o in gc.get_objects()}  # a full collection walks these; frozen objects are not among them
        assert gc.get_freeze_count() >= 1000 and id(kb.loaded) not in walked and id(kb.loaded[0]) not in walked
    finally:
        gc.unfreeze()
