"""`python -m channels.telegram`: run the Telegram channel.

python -m channels.telegram                 # polling (default; deletes any webhook)
python -m channels.telegram                 # with TELEGRAM_WEBHOOK_URL set: register the
                                            #   webhook (served by `web`), then housekeeping
python -m channels.telegram set-webhook     # register the webhook and command menus, exit
python -m channels.telegram delete-webhook  # back to polling, exit
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from telegram import Bot
from telegram.ext import Application

from channels.pipeline import Gate
from channels.rasa_client import RasaClient
from channels.telegram.bot import (
    ALLOWED_UPDATES,
    TelegramConfig,
    build_application,
    purge_forever,
    quiet_library_logs,
    register_commands,
    register_webhook,
)
from directory.core.config import get_settings
from directory.core.db import get_sessionmaker
from directory.core.logging import configure_logging

logger = logging.getLogger("channels.telegram")


def run_polling(config: TelegramConfig) -> None:
    """Poll Telegram until Ctrl-C / SIGTERM."""
    settings = get_settings()
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_s)
    session_factory = get_sessionmaker()
    tasks: list[asyncio.Task[None]] = []

    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await register_commands(application.bot, session_factory)
        tasks.append(asyncio.create_task(purge_forever(session_factory)))
        logger.info("Telegram bot @%s polling", application.bot.username)

    async def post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        for task in tasks:
            task.cancel()
        await rasa.aclose()

    application = build_application(
        config,
        Gate(rasa, session_factory),
        session_factory,
        polling=True,
        post_init=post_init,
        post_shutdown=post_shutdown,
    )
    application.run_polling(allowed_updates=ALLOWED_UPDATES)


async def webhook_housekeeping(config: TelegramConfig) -> None:
    """Register the webhook and command menus, then purge old records hourly."""
    session_factory = get_sessionmaker()
    async with _bot(config) as bot:
        await register_webhook(bot, config)
        await register_commands(bot, session_factory)
    logger.info("Telegram webhook mode: updates are handled by the web process")
    await purge_forever(session_factory)


async def set_webhook(config: TelegramConfig) -> None:
    async with _bot(config) as bot:
        await register_webhook(bot, config)
        await register_commands(bot, get_sessionmaker())


async def delete_webhook(config: TelegramConfig) -> None:
    async with _bot(config) as bot:
        await bot.delete_webhook()
    logger.info("Telegram webhook deleted")


def _bot(config: TelegramConfig) -> Bot:
    return Bot(config.token, base_url=config.api_base_url, base_file_url=config.api_file_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m channels.telegram", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["run", "set-webhook", "delete-webhook"])
    args = parser.parse_args(argv)
    configure_logging()
    quiet_library_logs()
    config = TelegramConfig.from_settings(get_settings())
    if not config.token:
        print("Set TELEGRAM_BOT_TOKEN (from @BotFather) first; see docs/telegram.md.")
        return 2
    try:
        if args.command == "set-webhook":
            asyncio.run(set_webhook(config))
        elif args.command == "delete-webhook":
            asyncio.run(delete_webhook(config))
        elif config.webhook_mode:
            asyncio.run(webhook_housekeeping(config))
        else:
            run_polling(config)
    except ValueError as error:
        print(f"Telegram set-up problem: {error}")
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
