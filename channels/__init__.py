"""Channels: web chat, Telegram, language detection and the safeguarding gate.

Also home of the `web` process's composition root (`channels.web`), which mounts the
directory's routers and the channels' routers into one FastAPI app.
"""
