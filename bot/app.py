"""The Discord client: opens services in ``setup_hook``, loads the cogs, syncs the commands.

``inkwell run`` stops cleanly on SIGTERM or SIGINT (:func:`serve_until_stopped`): new
commands are turned away at once, each running stream stops keeping what it wrote (with a
note that the bot is restarting), the relay notices still owed are posted, then the gateway,
the backend and the database close, within :data:`STOP_SECONDS`, and the command exits 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any, Final

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from inkwell.bot.errors import InkwellError
from inkwell.bot.garbage_collection import tune_for_streaming
from inkwell.bot.plugin import configure
from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.settings import Settings
from inkwell.serving.backend import for_the_operator

log = logging.getLogger(__name__)

# A clean stop is over within this long: a supervisor's SIGKILL usually follows in 10 s.
STOP_SECONDS: Final = 9.0
STOP_SIGNALS: Final = (signal.SIGTERM, signal.SIGINT)
RESTARTING_REPLY: Final = "Inkwell is restarting; try again in a minute."

# How the bot connects: ``bot.start(token)`` in production, something offline in tests.
Connect = Callable[["InkwellBot"], Coroutine[Any, Any, None]]


class InkwellTree(app_commands.CommandTree):
    """The command tree of Inkwell's own bot: while it stops, commands are turned away."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        client = interaction.client
        if isinstance(client, InkwellBot) and client.stopping:
            await interaction.response.send_message(RESTARTING_REPLY, ephemeral=True)
            return False
        return True


class InkwellBot(commands.AutoShardedBot):
    """Inkwell as its own bot: the plugin's features loaded into a bot of Inkwell's own.

    ``services`` (open, from :func:`open_services`) are the caller's to close; without them
    the plugin opens services from ``settings`` and closes them when the bot closes.
    """

    def __init__(self, settings: Settings, *, services: Services | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=InkwellTree,
        )
        self.settings = settings
        # Set when a stop begins: from then on, new commands are answered "restarting".
        self.stopping = False
        configure(self, settings=settings, services=services)

    async def setup_hook(self) -> None:
        await self.load_features()
        await self.sync_commands()

    async def load_features(self) -> None:
        """Load every feature (tests call this without logging in)."""
        await self.load_extension("inkwell.cogs")
        if self.settings.tune_gc:
            tune_for_streaming()

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

    async def on_ready(self) -> None:
        log.info("logged in as %s in %d servers", self.user, len(self.guilds))


async def serve_until_stopped(bot: InkwellBot, connect: Connect) -> None:
    """Run ``connect(bot)`` until it ends, or until SIGTERM / SIGINT stops the bot cleanly.

    A stop turns new commands away at once, then closes the bot: discord.py unloads the
    features first (the Create feature stops every stream with a note, the Relay feature
    posts what threads are still owed), then closes the gateway and the HTTP session.
    """
    loop = asyncio.get_running_loop()
    asked = asyncio.Event()

    def stop(signum: signal.Signals) -> None:
        log.info("%s: stopping (new commands are turned away)", signum.name)
        bot.stopping = True
        asked.set()

    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop, signum)
    running = asyncio.create_task(connect(bot), name="inkwell:connect")
    waiting = asyncio.create_task(asked.wait(), name="inkwell:stop-signal")
    try:
        await asyncio.wait({running, waiting}, return_when=asyncio.FIRST_COMPLETED)
        if running.done():
            running.result()  # a failed login and the like: run_bot tells the operator
            return
        try:
            async with asyncio.timeout(STOP_SECONDS):
                await bot.close()
                await running
        except TimeoutError:
            log.warning("the bot did not stop within %.0f s; closing anyway", STOP_SECONDS)
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
        for task in (running, waiting):
            task.cancel()
        await asyncio.gather(running, waiting, return_exceptions=True)


TOKEN_CHECK_SECONDS: Final = 10.0


async def check_token(token: str) -> None:
    """Ask Discord whether the token is good: one HTTP call, no gateway, in about a second.

    Raises :class:`discord.LoginFailure` for a token Discord rejects. When Discord can't be
    asked (no network, an outage), nothing is decided here: connecting will say so.
    """
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        async with asyncio.timeout(TOKEN_CHECK_SECONDS):
            await http.static_login(token)
    except (OSError, aiohttp.ClientError, discord.HTTPException) as error:
        log.info("could not check the token before starting (%s); connecting will tell", error)
    finally:
        await http.close()


async def _serve(settings: Settings, token: str) -> None:
    # A rejected token is told in a second, before the model loads (which takes long);
    # storage and the model backend then open before the gateway is touched, so a broken
    # database or an unreachable server is reported at once, not after logging in.
    await check_token(token)
    async with (
        await open_services(settings) as services,
        InkwellBot(settings, services=services) as bot,
    ):
        await serve_until_stopped(bot, lambda bot: bot.start(token))


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
    except InkwellError as error:
        # The operator's version: a model server's failure names its address and the fix.
        print(f"inkwell: {for_the_operator(error)}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"inkwell: cannot reach Discord ({error}).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
