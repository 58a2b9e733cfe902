"""Settings: read from the environment, and every one documented in the README."""

from __future__ import annotations

from chains.settings import PROJECT_ROOT, Settings


def env_names():
    for name, field in Settings.model_fields.items():
        yield field.validation_alias.choices[0] if field.validation_alias else f"PITCHCHECK_{name.upper()}"


def test_every_setting_is_in_the_readme_table():
    readme = (PROJECT_ROOT / "README.md").read_text()
    missing = [name for name in env_names() if f"| `{name}` |" not in readme]
    assert not missing, f"README settings table lacks {missing}"


def test_environment_overrides_and_llm_switch(monkeypatch):
    monkeypatch.setenv("PITCHCHECK_MIN_CLEAN_EXAMPLES", "50")
    monkeypatch.setenv("PITCHCHECK_ALLOWED_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("PITCHCHECK_LLM", "auto")
    settings = Settings()
    assert settings.min_clean_examples == 50
    assert settings.allowed_origins == ["https://a.example", "https://b.example"]
    assert settings.llm_enabled
    monkeypatch.setenv("PITCHCHECK_LLM", "off")
    assert not Settings().llm_enabled
    assert "sk-test" not in repr(Settings())


def test_database_url_becomes_an_async_driver_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/pc")
    assert Settings().sqlalchemy_url == "postgresql+asyncpg://u:p@db:5432/pc"
    monkeypatch.delenv("DATABASE_URL")
    assert Settings().sqlalchemy_url.startswith("sqlite+aiosqlite:///")
