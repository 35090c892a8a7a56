"""Inkwell's services: plain async Python. No discord, openai, transformers or torch here."""
