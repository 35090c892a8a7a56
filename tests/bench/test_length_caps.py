"""python -m bench.length_caps runs the requests asked for."""

from __future__ import annotations

from bench.length_caps import REQUESTS, chosen


def test_forms_choose_requests_by_form_and_option() -> None:
    picked = chosen("story:short,post")
    assert [request[0] for request in picked] == ["story", "story"] + ["post"] * 4
    assert all(request[2].get("length") in (None, "short") for request in picked)
    assert chosen(None) == list(REQUESTS)
