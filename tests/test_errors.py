"""One root for every error whose message a person may read: ``inkwell.errors.InkwellError``."""

from __future__ import annotations

import pytest

import inkwell.bot.errors
from inkwell.bot.services.relay.errors import NotYourTurn
from inkwell.errors import InkwellError
from inkwell.serving.backend import BackendError, BackendUnavailable
from inkwell.serving.prepare import PrepareError


def test_the_bot_uses_the_packages_root_not_one_of_its_own() -> None:
    assert inkwell.bot.errors.InkwellError is InkwellError


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(BackendError, id="a-backend-refusing"),
        pytest.param(BackendUnavailable, id="a-backend-down"),
        pytest.param(PrepareError, id="preparing-the-model"),
        pytest.param(inkwell.bot.errors.Blocked, id="a-service"),
        pytest.param(NotYourTurn, id="a-relay"),
        pytest.param(inkwell.bot.errors.StorageUnavailable, id="storage"),
    ],
)
def test_every_layers_expected_errors_are_caught_as_one(kind: type[Exception]) -> None:
    assert issubclass(kind, InkwellError)
