"""The evasion set in the repository is the one bench/evasion_set.py generates, read back
exactly (invisible characters included), with every technique and innocent texts."""

from __future__ import annotations

from bench.evasion_set import PHRASE_TECHNIQUES, TECHNIQUES, load, rows


def test_the_stored_set_is_the_generated_one_read_back_exactly() -> None:
    assert load() == rows()


def test_the_set_covers_every_technique_and_has_innocent_texts() -> None:
    stored = load()
    assert len(stored) >= 300
    assert {row.technique for row in stored if row.blocked} == set(TECHNIQUES) | set(
        PHRASE_TECHNIQUES
    )
    assert sum(not row.blocked for row in stored) >= 100
