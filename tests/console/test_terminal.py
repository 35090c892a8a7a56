"""The playground on a real (pseudo-)terminal: Ctrl-C, Ctrl-D, history and completion.

Each test starts ``tests/console/pty_playground.py``: the playground exactly as ``inkwell
play`` builds it for a terminal, on a scripted backend that holds every piece after its first
word until it is stopped.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from inkwell.bot.console.completion import completions

PROMPT = "inkwell>"
UP = "\x1b[A"
CTRL_C, CTRL_D = "\x03", "\x04"


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[], pexpect.spawn]]:
    started: list[pexpect.spawn] = []

    def spawn() -> pexpect.spawn:
        env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", HF_HUB_OFFLINE="1")
        child = pexpect.spawn(
            sys.executable,
            ["-m", "tests.console.pty_playground", str(tmp_path / "inkwell.sqlite3")],
            env=env,
            encoding="utf-8",
            timeout=15,
            dimensions=(24, 100),
        )
        started.append(child)
        child.expect(PROMPT)
        return child

    yield spawn
    for child in started:
        if child.isalive():
            child.terminate(force=True)


def ends_with_goodbye(child: pexpect.spawn) -> None:
    child.expect("Bye.")
    child.expect(pexpect.EOF)
    child.close()
    assert (child.exitstatus, child.signalstatus) == (0, None)


def test_ctrl_c_at_the_prompt_clears_the_line_and_ctrl_d_says_goodbye(
    start: Callable[[], pexpect.spawn],
) -> None:
    child = start()
    child.send("/poem half-typed")
    child.send(CTRL_C)
    child.expect(PROMPT)  # a fresh prompt at once, nothing run
    child.send("/style show\r")
    child.expect("No preferences set")
    child.expect(PROMPT)
    child.send(CTRL_D)
    ends_with_goodbye(child)
    assert "Unknown command" not in (child.before or "")


def test_ctrl_c_while_a_piece_streams_stops_it_and_typing_meanwhile_is_dropped(
    start: Callable[[], pexpect.spawn],
) -> None:
    child = start()
    child.send("/poem snow\r")
    child.expect("Snow")
    child.send("/dance\r")  # typed while it writes: neither echoed nor run afterwards
    time.sleep(0.3)
    child.send(CTRL_C)
    child.expect(r"\(stopped\)")
    child.expect(PROMPT)
    child.send("/quit\r")
    child.expect("Bye.")
    written = child.before or ""
    child.expect(pexpect.EOF)
    child.close()
    assert (child.exitstatus, child.signalstatus) == (0, None)
    assert "dance" not in written


def test_history_is_kept_across_runs(start: Callable[[], pexpect.spawn]) -> None:
    first = start()
    first.send("/style set tone:wry\r")
    first.expect("Saved")
    first.expect(PROMPT)
    first.send(CTRL_D)
    ends_with_goodbye(first)

    second = start()
    second.send(UP)
    time.sleep(0.3)
    second.send("\r")
    second.expect("Saved")
    second.send(CTRL_D)
    ends_with_goodbye(second)


def test_tab_completes_a_command_on_the_terminal(start: Callable[[], pexpect.spawn]) -> None:
    child = start()
    child.send("/sty\t")  # what is drawn is the terminal's business; what runs is the test
    time.sleep(0.3)
    child.send(" sh\t")
    time.sleep(0.3)
    child.send("\r")
    child.expect("No preferences set")
    child.send(CTRL_D)
    ends_with_goodbye(child)


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        pytest.param("/poe", ["/poem"], id="command"),
        pytest.param("/po", ["/poem", "/post"], id="commands"),
        pytest.param("/poem snow fo", ["form:"], id="option"),
        pytest.param("/poem snow form:ha", ["form:haiku"], id="choice"),
        pytest.param("/relay st", ["start", "status"], id="subcommand"),
        pytest.param("/relay start ai_turns:o", ["ai_turns:off", "ai_turns:on_timeout"], id="sub"),
        pytest.param("/style reset field:to", ["field:tone"], id="style-field"),
        pytest.param("/con", ["/continue-text"], id="passage-command"),
        pytest.param("/rewrite it rained ins", ["instruction:"], id="passage-option"),
        pytest.param("/poem snow colour:r", [], id="no-such-option"),
        pytest.param("snow", [], id="no-command"),
    ],
)
def test_completion_offers_commands_options_and_choices(typed: str, offered: list[str]) -> None:
    assert completions(typed)[1] == offered
