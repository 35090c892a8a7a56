"""What a member's Discord client does before the bot hears of anything.

The client only offers what the bot registered and showed, and refuses what Discord would
never send: an unknown option, a missing required one, a value outside its choices or its
range, a click on a disabled button, a select value it does not offer, an empty required
modal field. :class:`tests.harness.harness.Harness` runs these checks, so a test that
passes here cannot rest on a payload no member could produce.

It also encodes as the client does: option values by their option type (with the users,
members, channels and roles they mention in ``resolved``), and a filled-in modal as the
submitted component layout.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.enums import AppCommandOptionType

from tests.harness.payloads import member_payload, option
from tests.harness.people import FakeChannel, FakeGuild, FakeRole, FakeUser
from tests.harness.recorder import Recorder
from tests.harness.records import ComponentInfo, RecordedMessage

# The extra role ids a member carries in a guild, so the bot's cache agrees with the
# permissions an interaction states (World._member_roles).
MemberRoles = Callable[[FakeUser, FakeGuild], tuple[int, ...]]


# --- slash commands -----------------------------------------------------------------------


def find_command(
    tree: app_commands.CommandTree[Any], name: str, guild: FakeGuild | None
) -> tuple[str, list[str], app_commands.Command[Any, ..., Any], int | None]:
    """``/name`` (``"style set"`` for a subcommand) as the client finds it: the guild's
    commands first, then the global ones. Returns the root name, the subcommand path, the
    command, and the guild id when it is registered in that guild."""
    root_name, *path = name.split()
    found: Any = None
    command_guild_id = None
    if guild is not None:
        found = tree.get_command(root_name, guild=discord.Object(guild.id))
        command_guild_id = guild.id if found is not None else None
    if found is None:
        found = tree.get_command(root_name)
    if found is None:
        known = sorted(c.name for c in tree.get_commands())
        raise LookupError(f"no slash command /{root_name} in the tree (global: {known})")
    for part in path:
        if not isinstance(found, app_commands.Group):
            raise LookupError(f"/{found.qualified_name} has no subcommands")
        child = found.get_command(part)
        if child is None:
            known = sorted(c.name for c in found.commands)
            raise LookupError(f"/{found.qualified_name} has no {part!r} (has: {known})")
        found = child
    if not isinstance(found, app_commands.Command):
        raise LookupError(f"/{name} is a group: name one of its subcommands")
    return root_name, path, found, command_guild_id


def find_context_menu(
    tree: app_commands.CommandTree[Any],
    name: str,
    guild: FakeGuild | None,
    type: discord.AppCommandType = discord.AppCommandType.message,
) -> app_commands.ContextMenu:
    """The Apps-menu command ``name`` as the client offers it: the guild's, else a global one."""
    found: Any = None
    if guild is not None:
        found = tree.get_command(name, guild=discord.Object(guild.id), type=type)
    if found is None:
        found = tree.get_command(name, type=type)
    if not isinstance(found, app_commands.ContextMenu):
        known = sorted(c.name for c in tree.get_commands(type=type))
        raise LookupError(f"no {type.name} command {name!r} in the tree (global: {known})")
    return found


def check_arguments(
    command: app_commands.Command[Any, ..., Any], values: Mapping[str, Any]
) -> None:
    known = {parameter.name for parameter in command.parameters}
    unknown = set(values) - known
    if unknown:
        raise TypeError(
            f"/{command.qualified_name} has no option {sorted(unknown)} (has: {sorted(known)})"
        )
    missing = [p.name for p in command.parameters if p.required and p.name not in values]
    if missing:
        raise TypeError(f"/{command.qualified_name} needs {missing}: Discord would not send it")


def encode_option(
    parameter: app_commands.Parameter,
    value: Any,
    resolved: dict[str, Any],
    *,
    invoker: FakeUser,
    guild: FakeGuild | None,
    member_roles: MemberRoles,
) -> dict[str, Any]:
    """One ``data.options`` entry for ``value``, checked and typed as the client sends it;
    a mentioned user, channel or role also goes into ``resolved``. ``invoker`` runs the
    command in ``guild``: a channel comes resolved with the invoker's permissions."""
    kind = parameter.type
    where = f"/{parameter.command.qualified_name} {parameter.name}"
    if isinstance(value, app_commands.Choice):
        value = value.value
    elif isinstance(value, enum.Enum):
        by_name = {choice.name: choice.value for choice in parameter.choices}
        value = by_name.get(value.name, value.value)

    encoded: Any
    if kind is AppCommandOptionType.string:
        encoded = str(value)
        _check_range(where, len(encoded), parameter, "characters")
    elif kind is AppCommandOptionType.integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{where} takes an integer, not {value!r}")
        encoded = value
        _check_range(where, encoded, parameter, "")
    elif kind is AppCommandOptionType.number:
        encoded = float(value)
        _check_range(where, encoded, parameter, "")
    elif kind is AppCommandOptionType.boolean:
        encoded = bool(value)
    elif kind in (AppCommandOptionType.user, AppCommandOptionType.mentionable) and isinstance(
        value, FakeUser
    ):
        encoded = str(value.id)
        resolved.setdefault("users", {})[encoded] = value.payload()
        if guild is not None:
            member = member_payload(
                value, guild, extra_roles=member_roles(value, guild), with_user=False
            )
            resolved.setdefault("members", {})[encoded] = member
    elif kind is AppCommandOptionType.channel and isinstance(value, FakeChannel):
        encoded = str(value.id)
        permissions = invoker.resolved_permissions(guild)
        resolved.setdefault("channels", {})[encoded] = value.interaction_payload(permissions)
    elif kind in (AppCommandOptionType.role, AppCommandOptionType.mentionable) and isinstance(
        value, FakeRole
    ):
        encoded = str(value.id)
        resolved.setdefault("roles", {})[encoded] = value.payload()
    else:
        raise TypeError(
            f"{where} is a {kind.name} option: pass a FakeUser, FakeChannel or FakeRole "
            f"from the harness, not {value!r}"
        )

    if parameter.choices and not parameter.autocomplete:
        allowed = [choice.value for choice in parameter.choices]
        if encoded not in allowed:
            raise ValueError(f"{where} must be one of {allowed}, not {encoded!r}")
    return option(parameter.display_name, kind, encoded)


def _check_range(where: str, amount: float, parameter: app_commands.Parameter, unit: str) -> None:
    low, high = parameter.min_value, parameter.max_value
    if (low is not None and amount < low) or (high is not None and amount > high):
        measured = f"{amount} {unit}".strip()
        raise ValueError(f"{where} must be within [{low}, {high}] {unit}, got {measured}".strip())


# --- buttons and selects --------------------------------------------------------------------


def find_component(
    recorder: Recorder,
    custom_id: str | None = None,
    *,
    label: str | None = None,
    placeholder: str | None = None,
    message: int | RecordedMessage | discord.abc.Snowflake | None = None,
    types: Sequence[int] = (2,),
) -> tuple[RecordedMessage, ComponentInfo]:
    """The component a member would use: on ``message``, or on the newest visible message
    showing one of these component ``types`` with that custom id, label or placeholder."""
    if custom_id is None and label is None and placeholder is None:
        raise TypeError("give a custom_id, a label or a placeholder")
    if message is None:
        candidates = list(reversed(recorder.visible_messages()))
    else:
        message_id = message if isinstance(message, int) else message.id
        candidates = [recorder.messages[message_id]]
    for candidate in candidates:
        if candidate.deleted:
            continue
        for info in candidate.component_infos:
            if info.type not in types or info.custom_id is None:
                continue
            if (
                (custom_id is not None and info.custom_id == custom_id)
                or (label is not None and info.label == label)
                or (placeholder is not None and info.raw.get("placeholder") == placeholder)
            ):
                return candidate, info
    shown = {m.id: [(c.label, c.custom_id) for c in m.component_infos] for m in candidates}
    wanted = custom_id or label or placeholder
    raise LookupError(f"no component {wanted!r} on any visible message; showing: {shown}")


def check_enabled(info: ComponentInfo) -> None:
    if info.disabled:
        raise ValueError(
            f"{info.label or info.custom_id!r} is disabled: Discord sends no interaction for it"
        )


def check_offered(select: ComponentInfo, values: Sequence[str]) -> None:
    offered = {choice["value"] for choice in select.raw.get("options", [])}
    unknown = set(values) - offered
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not options of the select (offered: {offered})")


# --- modals ---------------------------------------------------------------------------------


def answer_modal(modal: dict[str, Any], answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The components a member submits after filling in ``modal`` (its sent payload)."""
    used: set[str] = set()

    def answer(component: dict[str, Any], label: str | None) -> dict[str, Any] | None:
        custom_id = component.get("custom_id")
        label = component.get("label") or label
        key = custom_id if custom_id in answers else label if label in answers else None
        if key is not None:
            used.add(key)
        name = f"modal field {label or custom_id!r}"
        if component.get("type") == discord.ComponentType.text_input.value:
            value = str(answers[key]) if key is not None else str(component.get("value") or "")
            if component.get("required", True) and not value:
                raise ValueError(f"{name} is required")
            low, high = component.get("min_length"), component.get("max_length")
            if value and (
                (low is not None and len(value) < low) or (high is not None and len(value) > high)
            ):
                raise ValueError(f"{name} takes {low}–{high} characters, got {len(value)}")
            return {"type": 4, "custom_id": custom_id, "value": value}
        if component.get("type") == discord.ComponentType.select.value:
            chosen = list(answers[key]) if key is not None else []
            return {"type": 3, "custom_id": custom_id, "values": chosen}
        return None

    submitted: list[dict[str, Any]] = []
    for row in modal.get("components", []):
        if row.get("type") == 1:
            inner = [answer(c, None) for c in row.get("components", [])]
            submitted.append({"type": 1, "components": [c for c in inner if c is not None]})
        elif row.get("type") == discord.ComponentType.label.value:
            inner_one = answer(row["component"], row.get("label"))
            if inner_one is not None:
                submitted.append({"type": row["type"], "component": inner_one})
    unknown = set(answers) - used
    if unknown:
        raise ValueError(f"the modal has no field {sorted(unknown)}")
    return submitted


__all__ = [
    "MemberRoles",
    "answer_modal",
    "check_arguments",
    "check_enabled",
    "check_offered",
    "encode_option",
    "find_command",
    "find_component",
]
