"""Prompt templates as data files (package data of ``inkwell.prompts``), not Python strings."""
