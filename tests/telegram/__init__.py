"""Telegram channel tests."""
