"""Content filters that moderators configure: normalization, matching, rules, presets, the
optional model stage, audit and the service that ties them together (``service.py``).

It implements the protocols of :mod:`inkwell.bot.services.content_policy`; the creation and
relay services depend on those protocols, never on this package."""
