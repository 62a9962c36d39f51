"""Telegram channel: the front door in a messaging app (python-telegram-bot).

`python -m channels.telegram` polls by default; with TELEGRAM_WEBHOOK_URL set, it registers
the webhook that the `web` process serves (`channels.telegram.webhook`). See docs/telegram.md.
"""
