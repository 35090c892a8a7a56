"""Parts of the embedded backend that need no model: stop-string trimming, a missing model,
and the batched path's bookkeeping (batch sizes, each row's text and finish)."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from inkwell.serving.backend import BackendUnavailable, Delta
from inkwell.serving.embedded import EmbeddedBackend, _StopTrimmer
from inkwell.serving.embedded_batch import (
    BatchWatcher,
    VariantText,
    batch_sizes,
    kv_bytes_per_token,
)


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


# --- the batched path's parts --------------------------------------------------------------


def test_batch_sizes_split_evenly_within_the_budget() -> None:
    # 100 tokens × 10 bytes a row: a budget of 8 rows.
    assert batch_sizes(8, 100, 10, budget=8_000) == [8]
    assert batch_sizes(12, 100, 10, budget=8_000) == [6, 6]
    assert batch_sizes(9, 100, 10, budget=8_000) == [5, 4]
    assert batch_sizes(3, 100, 10, budget=999) == [1, 1, 1]  # not even one row fits
    assert batch_sizes(0, 100, 10, budget=8_000) == []


def test_kv_bytes_per_token_counts_keys_and_values_of_every_layer() -> None:
    smollm2_135m = SimpleNamespace(
        num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3, head_dim=64
    )
    no_gqa = SimpleNamespace(num_hidden_layers=2, num_attention_heads=4, hidden_size=256)

    assert kv_bytes_per_token(smollm2_135m, torch.bfloat16) == 30 * 2 * 3 * 64 * 2
    assert kv_bytes_per_token(no_gqa, torch.float32) == 2 * 2 * 4 * 64 * 4


# A toy tokenizer: token i decodes to WORDS[i]; 0 is EOS. "\xe2" and "\x94" are the two
# halves of one character, decoded as U+FFFD until both are there (as byte-level BPE does).
WORDS = ["<eos>", "Once", " upon", " a", " time", "\n", "The", " END", "\xe2", "\x94"]
EOS = frozenset({0})


def decode(tokens: list[int]) -> str:
    text = "".join(WORDS[token] for token in tokens)
    return text.replace("\xe2\x94", "─").replace("\xe2", "\ufffd")


def variant(index: int = 0, stops: tuple[str, ...] = ()) -> VariantText:
    return VariantText(index, _StopTrimmer(stops))


def test_a_variant_ends_at_its_stop_string_without_showing_it() -> None:
    line = variant(stops=("\n",))

    assert line.advance([1], decode, EOS) == Delta(0, "Once")
    assert line.advance([2], decode, EOS) == Delta(0, " upon")
    assert line.advance([5], decode, EOS) == Delta(0, "", "stop")
    assert line.finish_reason == "stop"


def test_a_stop_string_spanning_tokens_is_held_back_then_cut() -> None:
    story = variant(stops=("e END",))

    assert story.advance([6], decode, EOS) == Delta(0, "Th")  # "e" might start "e END"
    assert story.advance([7], decode, EOS) == Delta(0, "", "stop")


def test_eos_ends_a_variant_and_releases_what_was_held_back() -> None:
    story = variant(stops=("\n\n",))

    assert story.advance([1, 5], decode, EOS) == Delta(0, "Once")  # "\n" might start "\n\n"
    assert story.advance([0], decode, EOS) == Delta(0, "\n", "stop")


def test_running_out_of_tokens_is_a_length_finish() -> None:
    story = variant(stops=("\n\n",))
    story.advance([1, 5], decode, EOS)

    assert story.close(decode) == Delta(0, "\n", "length")


def test_half_a_character_waits_for_its_other_half() -> None:
    story = variant()

    assert story.advance([1, 8], decode, EOS) == Delta(0, "Once")
    assert story.advance([9], decode, EOS) == Delta(0, "─")


def rows(*tokens: list[int]) -> torch.Tensor:
    prompt = [[6, 6]] * len(tokens)  # two prompt tokens per row
    return torch.tensor([p + t for p, t in zip(prompt, tokens, strict=True)])


def test_the_watcher_ends_each_row_on_its_own_and_sends_its_text() -> None:
    sent: list[list[Delta]] = []
    cancel = threading.Event()
    variants = [variant(index, stops=("\n",)) for index in (4, 5)]
    watcher = BatchWatcher(variants, 2, decode, EOS, sent.append, cancel)

    assert watcher(rows([1], [1]), None).tolist() == [False, False]
    # Row 0 writes its newline: it is done, row 1 goes on.
    assert watcher(rows([1, 5], [1, 2]), None).tolist() == [True, False]
    # From here row 0 only gets padding (EOS), which is ignored.
    assert watcher(rows([1, 5, 0], [1, 2, 3]), None).tolist() == [True, False]
    watcher.close()

    assert sent == [
        [Delta(4, "Once"), Delta(5, "Once")],
        [Delta(4, "", "stop"), Delta(5, " upon")],
        [Delta(5, " a")],
        [Delta(5, "", "length")],
    ]


def test_cancelling_ends_every_row_of_the_batch() -> None:
    cancel = threading.Event()
    watcher = BatchWatcher([variant(0), variant(1)], 2, decode, EOS, lambda _: None, cancel)

    assert watcher(rows([1], [1]), None).tolist() == [False, False]
    cancel.set()
    assert watcher(rows([1, 2], [1, 2]), None).tolist() == [True, True]
    assert watcher.cancelled
