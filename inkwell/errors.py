"""The root of Inkwell's expected errors, below every layer so each can share it.

``serving`` never imports ``bot``, yet a backend's failures and the services' must be told
apart from bugs by one test: is it an :class:`InkwellError`? So the root lives here, in the
package itself; :mod:`inkwell.bot.errors` and :mod:`inkwell.serving.backend` subclass it.
"""

from __future__ import annotations


class InkwellError(Exception):
    """An error whose message is a sentence fit to show a person.

    Whoever catches one shows ``str(error)`` (a reply to the member, one line in the
    terminal); anything else that escapes is a bug, logged with its traceback.
    """
