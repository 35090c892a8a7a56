"""Cooldowns per member and generation slots per guild, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from inkwell.bot.errors import OnCooldown, TooBusy
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency

MEMBER = 1001
OTHER_MEMBER = 1002
GUILD = 5001
OTHER_GUILD = 5002


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def attempt(cooldowns: Cooldowns, key: int = MEMBER) -> str:
    """Answer "ok", or "wait N" with the retry_after the member is told."""
    try:
        cooldowns.check(key)
    except OnCooldown as refused:
        return f"wait {refused.retry_after:g}"
    return "ok"


# --- cooldowns ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "per", "script", "answers"),
    [
        pytest.param(
            1, 10, [0, 0, 4, 6], ["ok", "wait 10", "wait 6", "ok"],
            id="1-per-10s-waits-out-the-window",
        ),
        pytest.param(
            1, 10, [0, 9.5, 0.5], ["ok", "wait 0.5", "ok"],
            id="1-per-10s-exactly-at-the-edge",
        ),
        pytest.param(
            3, 60, [0, 10, 10, 5, 35, 5], ["ok", "ok", "ok", "wait 35", "ok", "wait 5"],
            id="3-per-60s-sliding-window",
        ),
        pytest.param(
            2, 30, [0, 0, 0, 1, 1], ["ok", "ok", "wait 30", "wait 29", "wait 28"],
            id="refused-attempts-do-not-lengthen-the-wait",
        ),
        pytest.param(
            1, 0, [0, 0, 0], ["ok", "ok", "ok"], id="per-0-turns-cooldowns-off",
        ),
    ],
)  # fmt: skip
def test_cooldowns(rate: int, per: float, script: list[float], answers: list[str]) -> None:
    """``script`` says how many seconds pass before each attempt."""
    clock = FakeClock()
    cooldowns = Cooldowns(rate, per, clock)
    seen = []
    for seconds in script:
        clock.advance(seconds)
        seen.append(attempt(cooldowns))
    assert seen == answers


def test_cooldowns_are_per_member() -> None:
    cooldowns = Cooldowns(1, 10, FakeClock())
    assert [attempt(cooldowns, MEMBER), attempt(cooldowns, OTHER_MEMBER)] == ["ok", "ok"]
    assert attempt(cooldowns, MEMBER) == "wait 10"


def test_reset_lets_the_member_go_again() -> None:
    cooldowns = Cooldowns(1, 10, FakeClock())
    assert attempt(cooldowns) == "ok"
    cooldowns.reset(MEMBER)
    assert attempt(cooldowns) == "ok"
    cooldowns.reset(OTHER_MEMBER)  # never seen: nothing to forget, no error


def test_on_cooldown_tells_the_member_how_long() -> None:
    cooldowns = Cooldowns(1, 10, FakeClock())
    cooldowns.check(MEMBER)
    with pytest.raises(OnCooldown, match=r"Try again in 10 s\."):
        cooldowns.check(MEMBER)


def test_idle_members_are_forgotten_as_the_map_grows() -> None:
    clock = FakeClock()
    cooldowns = Cooldowns(1, 10, clock)
    for member in range(1024):
        cooldowns.check(member)
    clock.advance(10)
    cooldowns.check(999_999)  # the 1025th member triggers a clean-up of the idle ones
    assert cooldowns.tracked() == 1


def test_members_still_cooling_down_are_not_forgotten() -> None:
    clock = FakeClock()
    cooldowns = Cooldowns(1, 10, clock)
    for member in range(1024):
        cooldowns.check(member)
    clock.advance(5)
    cooldowns.check(999_999)
    assert cooldowns.tracked() == 1025
    assert attempt(cooldowns, 0) == "wait 5"


@pytest.mark.parametrize(
    ("rate", "per"),
    [pytest.param(0, 10, id="rate-0"), pytest.param(1, -1, id="negative-per")],
)
def test_cooldowns_refuse_nonsense_settings(rate: int, per: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        Cooldowns(rate, per)


# --- guild concurrency --------------------------------------------------------------------


async def test_a_guild_runs_up_to_its_limit_then_is_refused_at_once() -> None:
    slots = GuildConcurrency(2, FakeClock())
    async with slots.slot(GUILD), slots.slot(GUILD):
        assert slots.running(GUILD) == 2
        with pytest.raises(TooBusy) as refused:
            async with slots.slot(GUILD):
                pytest.fail("a third generation must not start")
        assert refused.value.running == 2
        assert "already has 2 generations running" in str(refused.value)
        async with slots.slot(OTHER_GUILD):
            assert slots.running(OTHER_GUILD) == 1
    assert slots.running(GUILD) == 0


@pytest.mark.parametrize(
    ("finished", "running_for", "retry_after"),
    [
        pytest.param([], 0, 10, id="no-history-uses-the-default"),
        pytest.param([], 4, 6, id="default-minus-what-the-oldest-has-run"),
        pytest.param([20, 40], 0, 30, id="mean-of-recent-generations"),
        pytest.param([20, 40], 25, 5, id="mean-minus-elapsed"),
        pytest.param([5], 60, 1, id="overdue-says-one-second"),
        pytest.param([100] + [10] * 8, 0, 10, id="only-the-last-eight-count"),
    ],
)
async def test_retry_after_is_estimated_from_recent_generations(
    finished: list[float], running_for: float, retry_after: float
) -> None:
    clock = FakeClock()
    slots = GuildConcurrency(1, clock)
    for seconds in finished:
        async with slots.slot(OTHER_GUILD):
            clock.advance(seconds)
    async with slots.slot(GUILD):
        clock.advance(running_for)
        with pytest.raises(TooBusy) as refused:
            async with slots.slot(GUILD):
                pass
    assert refused.value.retry_after == pytest.approx(retry_after)


async def test_the_slot_is_released_when_the_generation_fails() -> None:
    clock = FakeClock()
    slots = GuildConcurrency(1, clock)

    async def generate() -> None:
        async with slots.slot(GUILD):
            clock.advance(99)
            raise RuntimeError("backend fell over")

    with pytest.raises(RuntimeError, match="backend fell over"):
        await generate()
    assert slots.running(GUILD) == 0
    assert slots.typical_duration() == 10, "failed generations teach nothing"
    async with slots.slot(GUILD):
        assert slots.running(GUILD) == 1


async def test_the_slot_is_released_when_the_generation_is_cancelled() -> None:
    slots = GuildConcurrency(1, FakeClock())
    entered = asyncio.Event()

    async def generate() -> None:
        async with slots.slot(GUILD):
            entered.set()
            await asyncio.Event().wait()  # streams until stopped

    task = asyncio.create_task(generate())
    await entered.wait()
    assert slots.running(GUILD) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert slots.running(GUILD) == 0
    async with slots.slot(GUILD):
        assert slots.running(GUILD) == 1


async def test_concurrent_starts_never_exceed_the_limit() -> None:
    slots = GuildConcurrency(3, FakeClock())
    release = asyncio.Event()
    outcomes: list[str] = []

    async def generate() -> None:
        try:
            async with slots.slot(GUILD):
                outcomes.append("ran")
                await release.wait()
        except TooBusy:
            outcomes.append("busy")

    tasks = [asyncio.create_task(generate()) for _ in range(5)]
    await asyncio.sleep(0)
    assert slots.running(GUILD) == 3
    release.set()
    await asyncio.gather(*tasks)
    assert sorted(outcomes) == ["busy", "busy", "ran", "ran", "ran"]
    assert slots.running(GUILD) == 0


async def test_direct_messages_are_not_limited() -> None:
    slots = GuildConcurrency(1, FakeClock())
    async with slots.slot(None), slots.slot(None), slots.slot(None):
        assert slots.running(None) == 0


def test_guild_concurrency_refuses_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="limit must be at least 1"):
        GuildConcurrency(0)
