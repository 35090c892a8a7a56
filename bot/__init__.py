"""Inkwell: a Discord bot for creator communities."""
