"""The values Inkwell keeps: styles, relay stories, filter settings and events.

Plain frozen dataclasses, below the services and storage alike: storage reads and writes
them, the services reason about them, and the Discord side and the console show them.
"""
