"""The glossary made searchable: lexical search at once, dense search once the embedder and index are ready."""

from __future__ import annotations

import logging
import threading
import time

from .glossary import Concept, cached_glossary
from .index import IndexLocked, IndexStats, build_index, index_is_current, open_collection
from .retrieval import Retriever
from .settings import Settings

log = logging.getLogger(__name__)


def embedder_key(settings: Settings) -> str:
    """Identifies the model behind the vectors; both backends give the same vectors, so the backend is left out."""
    from .embeddings import model_fingerprint

    return model_fingerprint(settings.model_path)


def refresh_index(settings: Settings, concepts: dict[str, Concept], embedder, wait: float = 0.0) -> IndexStats | None:
    """Build the index when it is out of date; with wait > 0, wait that long for another writer to finish."""
    key = embedder_key(settings)
    deadline = time.monotonic() + wait
    while True:
        if index_is_current(settings, concepts, key):
            return None
        try:
            return build_index(settings, concepts, embedder, key)
        except IndexLocked:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


class KnowledgeBase:
    """The glossary, its lexical index and, once loaded, its dense index."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.concepts = cached_glossary(settings.knowledge_dir.resolve())
        self.retriever = Retriever(settings, self.concepts)
        self._lock = threading.Lock()
        self.load_error: str | None = None

    @property
    def dense_ready(self) -> bool:
        return self.retriever.dense_ready

    def loaded_embedder(self):
        """The embedding model once dense search has loaded it, else None (callers then skip what needs it)."""
        return self.retriever.embedder if self.retriever.dense_ready else None

    def load_dense(self, embedder=None, wait: float = 120.0) -> bool:
        """Load the embedder, bring the index up to date and switch on dense search; False (logged) on failure."""
        with self._lock:
            if self.retriever.dense_ready:
                return True
            try:
                if embedder is None:
                    from .embeddings import get_embedder

                    embedder = get_embedder(self.settings)
                refresh_index(self.settings, self.concepts, embedder, wait=wait)
                self.retriever.attach_dense(embedder, open_collection(self.settings))
                return True
            except Exception as exc:  # lexical search keeps working; the reason is logged, not shown
                self.load_error = str(exc)
                log.warning("dense retrieval unavailable, answering from lexical search: %s", exc, exc_info=True)
                return False
