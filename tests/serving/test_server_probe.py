"""Questions to a model server about itself: asked once for everyone who wonders."""

from __future__ import annotations

import asyncio

from inkwell.serving.server_probe import SharedQuestion


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
