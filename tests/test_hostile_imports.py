"""Hostile import files: every value is checked before anything is written, kindly and privately."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.mod", "cogs.glossary")


def term(**overrides: Any) -> str:
    """One [[term]] table in the export format, with some values replaced (raw TOML)."""
    values = {
        "slug": '"peer-work"',
        "name": '"Peer work"',
        "definition": '"Working alongside people as an equal."',
        "aliases": "[]",
        "related": "[]",
        "sources": '[{ org = "NSUN", title = "Peer work" }]',
    } | overrides
    viewpoint = values.pop("viewpoint", None)
    lines = ["[[term]]"] + [f"{key} = {value}" for key, value in values.items()]
    if viewpoint is not None:
        lines += ["[[term.viewpoint]]", viewpoint]
    return "\n".join(lines) + "\n"


def nested(depth: int) -> bytes:
    return ("x = " + "[" * depth + "]" * depth + "\n").encode()


async def glossary_import(world: World, data: bytes) -> str:
    result = await world.moderator.slash(
        world.general, "mod glossary import", file=("glossary.toml", data)
    )
    assert result.ephemeral
    message = result.followups[-1] if result.followups else result.response
    assert not message.components  # nothing to confirm: refused outright
    return str(message.content)


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"name": "42"}, "Term 1 (peer-work) in the file can't be imported: its name must be text"),
        ({"name": '""'}, "the name is empty"),
        ({"slug": '"' + "a" * 101 + '"'}, "its slug must be up to 60 lowercase letters"),
        ({"slug": '"Peer Work!"'}, "its slug must be up to 60"),
        ({"slug": "7"}, "its slug must be up to 60"),
        ({"sources": '[{ org = "", title = "x" }]'}, "source's organisation is empty"),
        ({"sources": '[{ title = "x" }]'}, "source's organisation is missing"),
        ({"sources": '["NSUN"]'}, "its sources must each be a table"),
        ({"aliases": "[1, 2]"}, "its aliases must be a list of text"),
        ({"contested": '"maybe"'}, "its contested value must be true or false"),
        ({"viewpoint": 'label = "Some say"\ntext = ""'}, "the viewpoint is empty"),
        ({"viewpoint": 'label = ""\ntext = "x"'}, "the viewpoint label is empty"),
        ({"viewpoint": 'label = "a"\ntext = "' + "x" * 1001 + '"'}, "at most 1000"),
        ({"definition": '"Hidden\\U000E0041\\U000E0042"'}, "invisible or control characters"),
    ],
)
async def test_a_bad_glossary_value_is_refused_specifically_and_nothing_changes(
    world: World, overrides: dict[str, str], said: str
) -> None:
    before = await world.services.db.fetch_value("SELECT count(*) FROM glossary_terms")
    answer = await glossary_import(
        world,
        (term() + term(slug='"fine"', name='"Fine"')).replace(term(), term(**overrides)).encode(),
    )
    assert said in answer
    assert "Nothing was imported" in answer
    after = await world.services.db.fetch_value("SELECT count(*) FROM glossary_terms")
    assert after == before
    # Autocomplete and define still work for everyone.
    choices = await world.member.autocomplete(world.general, "glossary define", "term", "peer")
    assert all(len(str(c["value"])) <= 100 for c in choices)


async def test_deeply_nested_files_are_refused_kindly(world: World) -> None:
    answer = await glossary_import(world, nested(5000))
    assert "nests lists or tables too deeply" in answer
    result = await world.moderator.slash(
        world.general, "mod settings import", file=("settings.toml", nested(5000))
    )
    assert result.ephemeral
    assert "nests lists or tables too deeply" in result.response.content


async def test_an_oversized_settings_file_is_refused_before_it_is_downloaded(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cdn = world.env.backend.cdn
    downloads: list[str] = []
    original = cdn.get

    def counting(url: str) -> bytes | None:
        downloads.append(url)
        return original(url)

    monkeypatch.setattr(cdn, "get", counting)
    big = b"[settings]\n" + b"# padding\n" * 7000
    result = await world.moderator.slash(
        world.general, "mod settings import", file=("settings.toml", big)
    )
    assert result.ephemeral
    assert "a settings file is at most 64 KiB" in result.response.content
    assert downloads == []


async def test_a_settings_value_of_the_wrong_shape_is_explained(world: World) -> None:
    data = b"[settings]\nquiet_hours_start = { a = 1 }\n"
    result = await world.moderator.slash(
        world.general, "mod settings import", file=("settings.toml", data)
    )
    assert result.ephemeral
    assert "quiet_hours_start: the value must be text" in result.response.content
