"""The Discord client: opens services in ``setup_hook``, loads the cogs, syncs the commands."""

from __future__ import annotations

import asyncio
import logging
import sys

import discord
from discord import app_commands
from discord.ext import commands

from inkwell.bot.errors import InkwellError
from inkwell.bot.garbage_collection import tune_for_streaming
from inkwell.bot.runtime import Services, open_services
from inkwell.bot.settings import Settings
from inkwell.bot.ui.creation_buttons import OpenCreations
from inkwell.bot.ui.errors import report_error
from inkwell.bot.ui.relay_notifier import DiscordRelayNotifier
from inkwell.serving.backend import BackendUnavailable

log = logging.getLogger(__name__)

EXTENSIONS = tuple(f"inkwell.cogs.{name}" for name in ("create", "style", "filters", "relay"))


class InkwellBot(commands.AutoShardedBot):
    def __init__(self, settings: Settings, *, services: Services | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
        )
        self.settings = settings
        self._services = services
        # Generated pieces whose buttons still work (bot/ui/creation_buttons.py).
        self.open_creations = OpenCreations()

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are opened in setup_hook")
        return self._services

    async def setup_hook(self) -> None:
        if self._services is None:
            self._services = await open_services(self.settings)
        await self.load_features()
        await self.start_relays()
        await self.sync_commands()

    async def load_features(self) -> None:
        """Load every cog and the tree's error handler (tests call this without logging in)."""
        self.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        tune_for_streaming()

    async def start_relays(self) -> None:
        """Re-arm every running relay's timers; a deadline missed while offline fires now."""
        await self.services.relay.open(DiscordRelayNotifier(self))

    async def sync_commands(self) -> None:
        guild_id = self.settings.dev_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands (may take up to an hour to appear)", len(synced))

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)

    async def on_ready(self) -> None:
        log.info("logged in as %s in %d servers", self.user, len(self.guilds))

    async def close(self) -> None:
        if self._services is not None:
            await self._services.relay.close()  # no timer may post while the client closes
        await super().close()
        if self._services is not None:
            await self._services.close()


async def _serve(settings: Settings, token: str) -> None:
    # Storage and the model backend open before Discord is touched, so a broken database
    # or an unreachable server is reported at once, not after logging in.
    services = await open_services(settings)
    bot = InkwellBot(settings, services=services)
    async with bot:
        await bot.start(token)


def run_bot(settings: Settings) -> int:
    """Connect and run until stopped; one clear line (not a traceback) for known failures."""
    assert settings.discord_token is not None
    # Inkwell never joins voice; discord.py's warnings about voice libraries are noise here.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    try:
        asyncio.run(_serve(settings, settings.discord_token.get_secret_value()))
    except discord.LoginFailure:
        print(
            "inkwell: Discord rejected INKWELL_DISCORD_TOKEN; "
            "copy the bot token again from the Developer Portal.",
            file=sys.stderr,
        )
        return 1
    except discord.PrivilegedIntentsRequired:
        print(
            "inkwell: Discord refused the gateway intents; "
            "check the bot's settings in the Developer Portal.",
            file=sys.stderr,
        )
        return 1
    except (InkwellError, BackendUnavailable) as error:
        print(f"inkwell: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"inkwell: cannot reach Discord ({error}).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
