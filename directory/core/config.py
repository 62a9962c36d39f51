"""One settings object for every process, read from environment variables and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "dev-only-secret"}


class Settings(BaseSettings):
    """Runtime configuration. Secrets must be real outside development (fail fast)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'var' / 'frontdoor.db'}",
        description="SQLAlchemy URL; postgresql+psycopg://... switches to PostgreSQL.",
    )
    tracker_store_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'var' / 'rasa_tracker.db'}",
        description="Rasa's SQL tracker store (read only to forget and purge conversations).",
    )
    secret_key: str = "dev-only-secret"
    rasa_url: str = "http://localhost:5005"
    rasa_token: str = "dev-only-secret"
    rasa_timeout_s: float = Field(default=4.5, gt=0, le=30)
    action_server_url: str = "http://localhost:5055"
    public_base_url: str = "http://localhost:8000"
    timezone: str = "Europe/London"
    council_name: str = "Calderbrook Borough Council"
    council_phone: str = "01632 960000"
    council_contact_url: str = "https://www.calderbrook.example.gov.uk/contact"
    chat_limit_sender_per_minute: float = Field(default=20, gt=0)
    chat_limit_ip_per_minute: float = Field(default=120, gt=0)
    retention_days: int = Field(default=30, ge=1, le=3650)
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_webhook_url: str = Field(default="", description="Set to use webhook mode.")
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    redis_url: str = ""
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _fail_fast_on_placeholder_secrets(self) -> Settings:
        if self.environment == "production":
            weak = [
                name
                for name in ("secret_key", "rasa_token")
                if getattr(self, name) in PLACEHOLDER_SECRETS or len(getattr(self, name)) < 16
            ]
            if weak:
                raise ValueError(
                    "Set real values for these secrets before running in production: "
                    + ", ".join(name.upper() for name in weak)
                )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache to change them)."""
    return Settings()
