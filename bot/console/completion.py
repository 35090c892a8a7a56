"""Tab completion for playground lines: commands, subcommands, option names and choices."""

from __future__ import annotations

from inkwell.bot.console.commands import COMMANDS


def completions(before_cursor: str) -> tuple[str, list[str]]:
    """What the word under the cursor could become: ``(that word, its completions)``.

    ``/po`` → ``/poem``; ``/poem snow fo`` → ``form:``; ``/poem snow form:ha`` →
    ``form:haiku``; ``/relay st`` → ``start``, ``status``.
    """
    words = before_cursor.split(" ")
    word = words[-1]
    if len(words) == 1:
        if not word.startswith("/"):
            return word, []
        return word, sorted(f"/{name}" for name in COMMANDS if f"/{name}".startswith(word))
    spec = COMMANDS.get(words[0].lstrip("/").lower())
    if spec is None:
        return word, []
    subcommand = None
    if spec.subcommands:
        if len(words) == 2:
            return word, sorted(name for name in spec.subcommands if name.startswith(word))
        subcommand = words[1].lower()
        if subcommand not in spec.subcommands:
            return word, []
        options = spec.subcommands[subcommand]
    else:
        options = spec.options
    key, colon, value = word.partition(":")
    if colon:
        return word, [
            f"{key}:{choice}" for choice in options.get(key, ()) if choice.startswith(value)
        ]
    return word, sorted(f"{name}:" for name in options if name.startswith(word.lower()))
