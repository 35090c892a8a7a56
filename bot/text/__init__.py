"""Text helpers that know Discord's rules (message limits, markdown) but not discord.py."""
