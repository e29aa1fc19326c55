"""Keep the import graph of `bot`, `cogs` and `benchmarks` free of cycles and layered.

What counts as an import (all of them, including in functions and under `TYPE_CHECKING`) is
written at the top of `tests/importgraph.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.importgraph import ImportGraph, crossings, cycles, discover, import_graph, under

REPO = Path(__file__).resolve().parent.parent
ROOTS = ("bot", "cogs", "benchmarks")

# ----- the project's layers -----------------------------------------------------------------
# Prefixes, not lists of files: a module added under one is checked without editing this file.
# When folders are regrouped, adjust these (a test below fails if one names no folder).

CORE = "bot"
COGS = "cogs"
BENCHMARKS = "benchmarks"
DATABASE = "bot.db"
# Domain code: services taking plain values and returning dataclasses, never touching Discord.
FEATURES = ("bot.checkins", "bot.feeds", "bot.glossary", "bot.prompts", "bot.rooms", "bot.unsaid")
# The only imports from one feature package into another, each with its reason.
BETWEEN_FEATURES: dict[tuple[str, str], str] = {
    ("bot.glossary.authors", "bot.unsaid.keys"): (
        "anonymous perspectives' authors are tagged and sealed under the one anonymity key "
        "ring, which Unsaid keeps: one key file to protect, rotate and erase"
    ),
    ("bot.glossary.service", "bot.unsaid.keys"): (
        "the glossary service is handed that key ring (or makes a throwaway one for tests)"
    ),
}


# Reaching `discord` through these is known and allowed, with the reason.
TOWARDS_DISCORD: dict[str, str] = {
    "bot.errors": (
        "`UserFacingError`, which services raise, sits beside three `app_commands.CheckFailure` "
        "refusals (NotModerator, NotInServer, UnknownServer); moving those out would let the "
        "domain load without discord.py"
    ),
}


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return import_graph(REPO, ROOTS)


def feature_of(name: str) -> str | None:
    return next((feature for feature in FEATURES if under(name, feature)), None)


def test_no_cycle_between_files(graph: ImportGraph) -> None:
    found = cycles(graph.edges)
    assert not found, "Import cycles (move the shared piece down, or pass a callback):\n" + (
        "\n".join(found)
    )


def test_the_core_never_imports_cogs_or_benchmarks(graph: ImportGraph) -> None:
    assert crossings(graph, [CORE], [COGS, BENCHMARKS]) == []
    assert crossings(graph, [COGS], [BENCHMARKS]) == []


def test_storage_imports_no_feature_and_nothing_that_reaches_discord(graph: ImportGraph) -> None:
    assert crossings(graph, [DATABASE], FEATURES) == []
    reaching = [
        " -> ".join(graph.reaches_outside(name, "discord", avoiding=TOWARDS_DISCORD))
        for name in graph.edges
        if under(name, DATABASE)
    ]
    assert [chain for chain in reaching if chain] == []


def test_features_never_reach_discord(graph: ImportGraph) -> None:
    # Services take and return plain values, so they are tested without Discord at all.
    reaching = [
        " -> ".join(graph.reaches_outside(name, "discord", avoiding=TOWARDS_DISCORD))
        for name in graph.edges
        if feature_of(name)
    ]
    assert [chain for chain in reaching if chain] == []


def test_features_import_one_another_only_where_allowed(graph: ImportGraph) -> None:
    between = {
        (name, imported)
        for name, imported_names in graph.edges.items()
        for imported in imported_names
        if feature_of(name) and feature_of(imported) not in (None, feature_of(name))
    }
    assert between - set(BETWEEN_FEATURES) == set(), "a new import between feature packages"
    # An exception no longer needed is removed, so the list stays the truth.
    assert set(BETWEEN_FEATURES) - between == set(), "an allowed import that no longer exists"


def test_layer_prefixes_name_real_folders() -> None:
    for prefix in (CORE, COGS, BENCHMARKS, DATABASE, *FEATURES):
        assert (REPO / prefix.replace(".", "/")).is_dir(), f"{prefix} is not a folder any more"
    modules = discover(REPO, ROOTS)
    for name in [*TOWARDS_DISCORD, *(n for pair in BETWEEN_FEATURES for n in pair)]:
        assert name in modules, f"{name} is listed as an exception but is not a module any more"


# ----- the checks can fail --------------------------------------------------------------------


def write(base: Path, files: Mapping[str, str]) -> None:
    for relative, text in files.items():
        path = base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_through_every_kind_of_import_is_found_and_spelled_out(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/sub/__init__.py": "",
            # Relative, and hidden in a function.
            "pkg/sub/a.py": "def f():\n    from . import b\n",
            # Only for the type checker, and `from package import submodule`.
            "pkg/sub/b.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import c\n"
            ),
            # Back up two levels, naming a package's module.
            "pkg/c.py": "from .sub.a import f\n",
            "pkg/plain.py": "import pkg.c\nimport json\n",
            "pkg/self.py": "import pkg.self\n",
        },
    )
    graph = import_graph(tmp_path, ["pkg"])
    assert graph.edges["pkg.plain"] == {"pkg.c"}
    assert graph.outside["pkg.plain"] == {"json"}
    assert cycles(graph.edges) == [
        "pkg.c -> pkg.sub.a -> pkg.sub.b -> pkg.c",
        "pkg.self -> pkg.self",
    ]


def test_a_package_that_reexports_its_modules_is_no_cycle(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.service import Service\n",
            "pkg/service.py": "from pkg.model import Model\n",
            "pkg/model.py": "Model = object\n",
            # A folder without `__init__.py` still holds modules.
            "pkg/loose/part.py": "from pkg.loose import other\n",
            "pkg/loose/other.py": "",
        },
    )
    graph = import_graph(tmp_path, ["pkg"])
    assert graph.edges["pkg"] == {"pkg.service"}
    assert graph.edges["pkg.loose.part"] == {"pkg.loose.other"}
    assert cycles(graph.edges) == []


def test_a_crossed_layer_and_a_hidden_path_to_discord_are_found(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db/store.py": "from app.feature.service import Thing\n",
            "app/feature/service.py": "from app.replies import send\n",
            "app/replies.py": "import discord\n",
        },
    )
    graph = import_graph(tmp_path, ["app"])
    assert crossings(graph, ["app.db"], ["app.feature"]) == ["app.db.store -> app.feature.service"]
    assert graph.reaches_outside("app.db.store", "discord") == [
        "app.db.store",
        "app.feature.service",
        "app.replies",
        "discord",
    ]
