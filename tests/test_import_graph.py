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
# A test below fails if a prefix names no folder any more. Bottom first; a module may import
# from its own layer or any layer below, never from one above (docs/ARCHITECTURE.md draws it).

COGS = "cogs"
BENCHMARKS = "benchmarks"
CORE = "bot.core"
DATABASE = "bot.db"
# Domain code: services taking plain values and returning dataclasses, never touching Discord.
FEATURES = ("bot.checkins", "bot.feeds", "bot.glossary", "bot.prompts", "bot.rooms", "bot.unsaid")
LAYERS: tuple[tuple[str, ...], ...] = (
    (CORE,),
    (DATABASE,),
    ("bot.settings", "bot.privacy"),
    FEATURES,
    ("bot.ui",),
    ("bot.app",),
    ("bot.tryout", COGS),
    ("bot.__main__",),
    (BENCHMARKS,),
)
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


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return import_graph(REPO, ROOTS)


def feature_of(name: str) -> str | None:
    return next((feature for feature in FEATURES if under(name, feature)), None)


def layer_of(name: str) -> int | None:
    return next(
        (i for i, group in enumerate(LAYERS) if any(under(name, prefix) for prefix in group)),
        None,
    )


def test_no_cycle_between_files(graph: ImportGraph) -> None:
    found = cycles(graph.edges)
    assert not found, "Import cycles (move the shared piece down, or pass a callback):\n" + (
        "\n".join(found)
    )


def test_every_module_has_a_layer() -> None:
    unplaced = [name for name in discover(REPO, ROOTS) if name != "bot" and layer_of(name) is None]
    assert unplaced == [], "place each new folder in LAYERS (and in docs/ARCHITECTURE.md)"


def test_imports_never_go_up_a_layer(graph: ImportGraph) -> None:
    upward = sorted(
        f"{name} -> {imported}"
        for name, imported_names in graph.edges.items()
        for imported in imported_names
        if (mine := layer_of(name)) is not None
        and (theirs := layer_of(imported)) is not None
        and theirs > mine
    )
    assert upward == [], "an import goes up a layer (move the piece down, or pass a callback)"


def test_the_core_imports_nothing_else_of_the_project(graph: ImportGraph) -> None:
    assert crossings(graph, [CORE], ["bot", COGS, BENCHMARKS]) == crossings(graph, [CORE], [CORE])


def test_storage_imports_no_feature_and_nothing_that_reaches_discord(graph: ImportGraph) -> None:
    assert crossings(graph, [DATABASE], FEATURES) == []
    reaching = [
        " -> ".join(graph.reaches_outside(name, "discord"))
        for name in graph.edges
        if under(name, DATABASE) or under(name, CORE)
    ]
    assert [chain for chain in reaching if chain] == []


def test_features_never_reach_discord(graph: ImportGraph) -> None:
    # Services take and return plain values, so they are tested without Discord at all.
    reaching = [
        " -> ".join(graph.reaches_outside(name, "discord"))
        for name in graph.edges
        if feature_of(name) or under(name, "bot.settings") or under(name, "bot.privacy")
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
    modules = discover(REPO, ROOTS)
    for group in LAYERS:
        for prefix in group:
            assert prefix in modules or (REPO / prefix.replace(".", "/")).is_dir(), (
                f"{prefix} is not a module or folder any more"
            )
    for name in (n for pair in BETWEEN_FEATURES for n in pair):
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
