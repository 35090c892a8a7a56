"""Syllables are counted only in English; other languages are "not checked", never miscounted."""

from __future__ import annotations

import pytest

from inkwell.bot.services.craft.language import NOT_ENGLISH, is_english, not_english_reason


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("古池や\n蛙飛び込む\n水の音", id="japanese"),
        pytest.param("Тихий пруд\nлягушка прыгнула\nвсплеск воды", id="russian"),
        pytest.param("Sobre el agua\nla luna duerme\nsilencio", id="spanish"),
        pytest.param("Le vent souffle sur\nles feuilles mortes du jardin", id="french"),
        pytest.param("Der Wind weht über\ndie stille See und ich bin allein", id="german"),
        pytest.param("Il pleut sur la ville\ncomme il pleut sur mon cœur", id="french-verlaine"),
        pytest.param("Zorblax quenthar glorp\nfrimble snoodlewax vorp", id="mostly-unknown-words"),
        pytest.param("— … 🌙", id="no-letters-at-all"),
    ],
)
def test_text_that_is_not_english_is_not_counted(text: str) -> None:
    assert not_english_reason(text) == NOT_ENGLISH


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("An old silent pond\nA frog jumps into the pond", id="plain"),
        pytest.param("O wild West Wind, thou breath of Autumn’s being", id="poetic-o"),
        pytest.param("cherry blossoms fall\npetals drift on quiet streams", id="no-function-words"),
        pytest.param(
            "'Twas brillig, and the slithy toves\nDid gyre and gimble", id="nonsense-verse"
        ),
        pytest.param("Zorblax sings to the moon\nand the moon sings back", id="a-name-or-two"),
        pytest.param("Café au lait at dawn\nin the quiet bistro", id="loan-words"),
    ],
)
def test_english_with_names_loan_words_and_nonsense_is_english(text: str) -> None:
    assert is_english(text)
