"""The service directory: HSDS-aligned data, search, content store, staff admin and public API.

This package is the bottom layer: it imports neither `channels` nor `actions`.
"""
