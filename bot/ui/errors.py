"""One place that turns errors from commands and buttons into replies to the member."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable

import discord
from discord import app_commands

from inkwell.bot.errors import InkwellError
from inkwell.bot.ui.replies import reply_privately
from inkwell.serving.backend import BackendError, BackendUnavailable

log = logging.getLogger(__name__)


def describe_check_failure(error: app_commands.AppCommandError) -> str | None:
    """A sentence for the failures discord.py's checks raise, or None for anything else."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"You're going a little fast. Try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"You need the {needed} permission for that."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I need the {needed} permission here for that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That only works in a server."
    if isinstance(error, app_commands.TransformerError):
        return f"“{error.value}” isn't a valid value for that option."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    return None


def unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return error


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer the member: expected failures in their own words, bugs with an error id."""
    original = unwrap(error)
    if isinstance(original, BackendError):
        # The member is told what they can do; the operator reads, in the log, which server,
        # what it said (limits, tokens, parameters) and what to fix. Members never see the
        # server's address.
        if isinstance(original, BackendUnavailable):
            log.warning("the model backend is unavailable: %s", original.operator_detail)
        else:
            log.warning("the model server refused a request: %s", original.operator_detail)
        message = str(original)
    elif isinstance(original, InkwellError):
        message = str(original)
    elif isinstance(original, app_commands.AppCommandError) and (
        text := describe_check_failure(original)
    ):
        message = text
    else:
        error_id = secrets.token_hex(4)
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error("error %s in %s", error_id, command, exc_info=original)
        message = f"Sorry, something went wrong on our side (error id {error_id})."
    try:
        await reply_privately(interaction, message)
    except discord.HTTPException:
        log.warning("could not tell the member about an error", exc_info=True)


async def answering_errors(interaction: discord.Interaction, work: Awaitable[None]) -> None:
    """Await a dynamic item's ``work``, answering the member if it fails: discord.py only
    logs what a dynamic item's callback raises."""
    try:
        await work
    except Exception as error:
        await report_error(interaction, error)


class AnswersErrors:
    """For Inkwell's cogs: a command's failure becomes a private reply to the member.

    Each cog answers for its own commands, so a host bot's tree error handler is never
    replaced (and discord.py's default one stays quiet for commands that have a handler).
    """

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
