"""Parts of the embedded backend that need no model: stop-string trimming, a missing model."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkwell.serving.backend import BackendUnavailable
from inkwell.serving.embedded import EmbeddedBackend, _StopTrimmer


def feed_all(trimmer: _StopTrimmer, pieces: list[str]) -> list[str]:
    shown: list[str] = []
    for piece in pieces:
        shown.append(trimmer.feed(piece))
        if trimmer.stopped:
            return shown
    shown.append(trimmer.flush())
    return shown


def test_text_without_stop_strings_passes_straight_through() -> None:
    assert feed_all(_StopTrimmer(()), ["Once ", "upon"]) == ["Once ", "upon", ""]


def test_a_stop_split_across_pieces_is_cut_with_nothing_after_it() -> None:
    trimmer = _StopTrimmer(["THE END"])

    shown = feed_all(trimmer, ["and so it was. TH", "E E", "ND and then more"])

    assert "".join(shown) == "and so it was. "
    assert trimmer.stopped


def test_only_a_possible_stop_prefix_is_held_back() -> None:
    trimmer = _StopTrimmer(["\n\n", "###"])

    assert trimmer.feed("line one\n") == "line one"  # "\n" might start "\n\n"
    assert trimmer.feed("line two #") == "\nline two "  # "#" might start "###"
    assert trimmer.feed("1 tag") == "#1 tag"
    assert trimmer.flush() == ""
    assert not trimmer.stopped


def test_the_earliest_stop_wins() -> None:
    trimmer = _StopTrimmer(["sat", "a"])

    assert trimmer.feed("the cat sat") == "the c"
    assert trimmer.stopped


def test_a_held_tail_is_released_when_the_text_ends() -> None:
    trimmer = _StopTrimmer(["END"])

    assert trimmer.feed("it was the E") == "it was the "
    assert trimmer.flush() == "E"


async def test_start_without_a_prepared_model_says_how_to_prepare(tmp_path: Path) -> None:
    backend = EmbeddedBackend(tmp_path / "SmolLM2-135M-Instruct")

    with pytest.raises(BackendUnavailable) as caught:
        await backend.start()
    assert "inkwell prepare" in caught.value.operator_detail  # for whoever starts Inkwell
    assert str(tmp_path) not in str(caught.value)  # a member never reads the machine's paths
    assert backend.name == "embedded:SmolLM2-135M-Instruct"


async def test_it_has_no_queue_to_ask_about(tmp_path: Path) -> None:
    """A request here waits only for the one before it, never for a server that may hang."""
    assert await EmbeddedBackend(tmp_path / "SmolLM2-135M-Instruct").queue_state() is None
