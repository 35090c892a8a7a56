"""Texts that trip up naive character counting, shared by the post tests."""

from __future__ import annotations

WOMAN_TECHNOLOGIST = "\U0001f469\u200d\U0001f4bb"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
THUMBS_UP_MEDIUM = "\U0001f44d\U0001f3fd"
FLAG_FR = "\U0001f1eb\U0001f1f7"
FLAG_DE = "\U0001f1e9\U0001f1ea"
KEYCAP_ONE = "1\ufe0f\u20e3"
LONG_URL = "https://example.com/a/very/long/path/that/goes/on/and/on"
