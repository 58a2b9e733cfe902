"""One glossary per process: lexical search at once, the dense index loaded on a background thread.

Nothing heavy is imported here at module level: torch, onnxruntime and chromadb come in only inside
`kb.load_dense()`, which runs on a daemon thread so the page and the first question never wait for it.
"""

from __future__ import annotations

import gc
import logging
import threading
from typing import Any

from chains.settings import Settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_loader_lock = threading.Lock()
_kb: Any = None
_explainer: Any = None
_kb_error: str | None = None
_summaries: tuple[Any, dict[str, tuple[str, str]]] | None = None  # (the knowledge base, its summaries)
_loader: threading.Thread | None = None


def knowledge_base(settings: Settings):
    """The process's KnowledgeBase (lexical search ready), or None if the glossary cannot be read."""
    global _kb, _explainer, _kb_error
    with _lock:
        if _kb is None and _kb_error is None:
            try:
                from chains.explain import Explainer
                from chains.knowledge_base import KnowledgeBase

                _kb = KnowledgeBase(settings)
                _explainer = Explainer(_kb)
            except Exception as exc:  # the interview still works without explanations
                _kb_error = f"{exc.__class__.__name__}: {exc}"
                log.error("glossary unavailable, explanations are off: %s", _kb_error)
        return _kb


def explainer(settings: Settings):
    knowledge_base(settings)
    return _explainer


def settle_heap() -> None:
    """Move what the process has loaded for good (the model, the index, the glossary, the libraries) out of the
    garbage collector's sight. Otherwise every full collection walks all of it with the event loop stopped: measured
    under the 50-visitor load, pauses of 100-220 ms that were the paced turns' slowest."""
    gc.collect()
    gc.freeze()


def start_dense_loading(settings: Settings) -> threading.Thread:
    """Build the knowledge base and start kb.load_dense() once per process, both on a daemon thread; later calls
    return the same thread. Built on the caller's thread (the event loop, after the first page or at the first chat),
    the glossary and its BM25 index held every open chat for about 0.4 s."""
    global _loader
    with _loader_lock:  # not _lock, which the thread holds while it builds the knowledge base
        if _loader is None:

            def load() -> None:
                kb = knowledge_base(settings)
                if kb is None:
                    return
                try:
                    ok = kb.load_dense()
                    log.info("dense retrieval %s", "ready" if ok else f"unavailable: {kb.load_error}")
                    settle_heap()
                except Exception:  # never let the thread die noisily; lexical search keeps working
                    log.exception("loading dense retrieval failed")

            _loader = threading.Thread(target=load, name="pitchcheck-dense", daemon=True)
            _loader.start()
        return _loader


def ready_for_chat(settings: Settings) -> None:
    """What a chat's first turn needs, made ready on the calling thread: the chat's and the interview's modules
    (imported by the start-up thread, which a second importer waits for) and the knowledge base. The app calls this
    off the event loop, so a crowd arriving just after start-up waits for it without holding every open chat."""
    import importlib

    for name in ("chains.session", "chains.llm", "web.chat"):
        importlib.import_module(name)
    start_dense_loading(settings)
    explainer(settings)


def titles(settings: Settings) -> dict[str, str]:
    """The entries' titles, from the parsed glossary alone (no search index is built for them)."""
    from chains.glossary import cached_glossary

    try:
        return {cid: c.title for cid, c in cached_glossary(settings.knowledge_dir.resolve()).items()}
    except Exception:  # an unreadable glossary turns explanations off; the interview still runs
        return {}


def glossary_summaries(settings: Settings) -> dict[str, tuple[str, str]] | None:
    """The glossary's one-line summaries for the reports, made once per knowledge base (every verdict's link keeps
    them)."""
    global _summaries
    kb = knowledge_base(settings)
    if kb is None:
        return None
    if _summaries is None or _summaries[0] is not kb:
        from chains.glossary import glossary_summaries as summaries

        _summaries = (kb, summaries(kb.concepts))
    return _summaries[1]


def concept_provenance(settings: Settings, concept_id: str) -> str | None:
    """Where a glossary entry's facts come from (its `Sources:` line), to name under an answer built from it."""
    kb = knowledge_base(settings)
    concept = kb.concepts.get(concept_id) if kb else None
    return (concept.sources or None) if concept is not None else None


ANSWER_CACHE = 512  # glossary answers kept per process, by question and search mode


def offline_explain(settings: Settings):
    """The Session's explain callable: the glossary answer, never an LLM call (the UI streams that itself).

    The same words get the same answer, so recent answers are kept: the starter buttons send identical questions
    ("What is LoRA, in plain English?"), and a crowd arriving from one link asks them at once. A lexical answer
    given before the dense index loaded is not reused once it has."""
    ex = explainer(settings)
    if ex is None:
        return None
    answer = _answers_of(ex)

    def explain(question: str):
        return answer(question, bool(getattr(getattr(ex, "kb", None), "dense_ready", False)))

    return explain


_answer_caches: dict[int, Any] = {}  # one per explainer (one per process in the app), shared by every chat


def _answers_of(ex):
    """The explainer's answers, the most recent kept; an answer given while dense search was failing is not kept."""
    from collections import OrderedDict

    with _lock:
        cached = _answer_caches.get(id(ex))
        if cached is not None and cached[0] is ex:
            return cached[1]
        kept: OrderedDict[tuple[str, bool], Any] = OrderedDict()
        kept_lock = threading.Lock()
        retriever = getattr(getattr(ex, "kb", None), "retriever", None)

        def answer(question: str, dense: bool):
            key = (question, dense)
            with kept_lock:
                if key in kept:
                    kept.move_to_end(key)
                    return kept[key]
            failures = getattr(retriever, "dense_failures", 0)
            result = ex.offline(question, ex.search(question))
            if getattr(retriever, "dense_failures", 0) == failures:
                with kept_lock:
                    kept[key] = result
                    while len(kept) > ANSWER_CACHE:
                        kept.popitem(last=False)
            return result

        _answer_caches[id(ex)] = (ex, answer)
        return answer


_reading_embed: Any = None


def reading_embed(settings: Settings):
    """The interview's embedder for reading answers: one per process, so the table's phrasings are embedded once;
    until the dense model has loaded it raises, and the readers use the table alone."""
    global _reading_embed
    from chains.choices import LazyEmbed

    with _lock:
        if _reading_embed is None:
            _reading_embed = LazyEmbed(lambda: _kb.loaded_embedder() if _kb is not None else None)
        return _reading_embed


def reset_for_tests() -> None:
    global _kb, _explainer, _kb_error, _loader, _reading_embed
    with _lock:
        _kb = _explainer = _kb_error = _loader = _reading_embed = None
        _answer_caches.clear()
