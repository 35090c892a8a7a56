"""Discord-only helpers for the cogs: the streaming editor, views, replies."""
