"""Discord features, one extension per module. Each is a thin adapter over bot.services."""
