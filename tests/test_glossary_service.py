"""Glossary service against a real SQLite file and the shipped data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.config import PROJECT_ROOT
from bot.core.errors import UserFacingError
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.glossary import GlossaryService
from bot.glossary.model import TermFields
from bot.glossary.reading import UnknownTerm
from bot.glossary.transfer import parse_import, to_toml

GUILD = 111111111111111111
MEMBER = 222222222222222222
MOD = 333333333333333333


@pytest.fixture
def glossary(db: Database, clock: ManualClock) -> GlossaryService:
    return GlossaryService(db, PROJECT_ROOT / "data", clock)


async def count(db: Database, table: str) -> int:
    return int(await db.fetch_value(f"SELECT COUNT(*) FROM {table}"))


async def test_shipped_terms_load_once_and_reloading_changes_nothing(
    glossary: GlossaryService, db: Database
) -> None:
    summary = await glossary.load_shipped(GUILD, glossary.shipped())
    assert summary.added >= 30
    before = {
        t: await count(db, t)
        for t in ("glossary_terms", "glossary_names", "glossary_revisions", "glossary_perspectives")
    }
    again = await glossary.load_shipped(GUILD, glossary.shipped())
    assert (again.added, again.updated) == (0, 0)
    after = {t: await count(db, t) for t in before}
    assert after == before


async def test_a_newer_shipped_file_updates_its_terms_but_keeps_what_people_added(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    service = GlossaryService(db, data, clock)
    await service.ensure_shipped(GUILD)
    # A member's perspective, a moderator's edit of a shipped term, a moderator's own term.
    perspective, recovery = await service.add_perspective(
        GUILD, MEMBER, "recovery", "For me recovery meant being believed.", anonymous=True
    )
    await service.decide_perspective(GUILD, perspective.id, approve=True)
    await service.edit_term(
        GUILD, MOD, "tokenism", TermFields("Tokenism", "Our network's own wording.")
    )
    await service.add_term(GUILD, MOD, TermFields("Peer pressure cooker", "A local joke."))

    text = (data / "glossary.toml").read_text()
    text = text.replace("version = 1", "version = 2", 1)
    text = text.replace('name = "Recovery"', 'name = "Recovery (personal)"', 1)
    text = text.replace('name = "Tokenism"', 'name = "Tokenism (shipped v2)"', 1)
    (data / "glossary.toml").write_text(text)

    newer = GlossaryService(db, data, clock)
    await newer.ensure_shipped(GUILD)
    recovered = await newer.define(GUILD, recovery.slug)
    assert recovered.term.name == "Recovery (personal)"  # untouched shipped term: updated
    assert "For me recovery meant being believed." in [p.text for p in recovered.perspectives]
    assert (await newer.define(GUILD, "tokenism")).term.definition == "Our network's own wording."
    assert (await newer.define(GUILD, "Peer pressure cooker")).term.origin == "moderator"


async def test_search_ranks_a_name_match_above_mentions_in_definitions(
    glossary: GlossaryService,
) -> None:
    await glossary.add_term(
        GUILD,
        MOD,
        TermFields("Hope", "Hope in recovery: recovery stories, recovery colleges, recovery."),
    )
    hits, total = await glossary.search(GUILD, "recovery")
    assert total == 3
    assert {h.name for h in hits[:2]} == {"Recovery", "Recovery model"}
    assert hits[2].name == "Hope"
    assert "**recovery**" in hits[2].excerpt.lower()


async def test_search_finds_words_inside_perspectives_and_ignores_accents(
    glossary: GlossaryService,
) -> None:
    perspective, _ = await glossary.add_perspective(
        GUILD,
        MEMBER,
        "boundaries",
        "Boundaries are a kind of mutual aid: naïve or not.",
        anonymous=False,
    )
    hits, _ = await glossary.search(GUILD, "naive")
    assert hits == []  # pending perspectives are not searchable
    await glossary.decide_perspective(GUILD, perspective.id, approve=True)
    hits, _ = await glossary.search(GUILD, "naive")
    assert [h.name for h in hits] == ["Boundaries"]


async def test_autocomplete_uses_aliases_accents_prefix_then_substring(
    glossary: GlossaryService,
) -> None:
    await glossary.add_term(
        GUILD,
        MOD,
        TermFields("Récit de soi", "Telling your own story.", aliases=("self-narrative",)),
    )
    assert (await glossary.autocomplete(GUILD, "RECIT"))[0].label == "Récit de soi"
    alias = await glossary.autocomplete(GUILD, "self-narr")
    assert alias[0].label == "self-narrative → Récit de soi"
    choices = await glossary.autocomplete(GUILD, "model")
    labels = [c.label for c in choices]
    assert "Medical model" in labels and "Recovery model" in labels
    assert len(await glossary.autocomplete(GUILD, "")) == 25
    assert all(len(c.label) <= 100 for c in choices)


async def test_unknown_term_offers_did_you_mean(glossary: GlossaryService) -> None:
    with pytest.raises(UnknownTerm) as raised:
        await glossary.define(GUILD, "co-prodution")
    assert "Co-production" in raised.value.suggestions
    assert "Did you mean" in raised.value.message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (TermFields("   ", "x"), "term is empty"),
        (TermFields("Care", "   \n "), "definition is empty"),
        (TermFields("Care\u200b", "x"), "invisible or control"),
        (TermFields("Care", "ask <@123456789012345678>"), "mentions someone"),
        (TermFields("Care", "@everyone look"), "mentions someone"),
        (TermFields("C" * 81, "x"), "at most 80"),
        (TermFields("Recovery", "again"), "already used by Recovery"),
        (TermFields("Brand new", "x", aliases=("coproduction",)), "already used by Co-production"),
    ],
)
async def test_bad_terms_are_refused_and_nothing_is_half_saved(
    glossary: GlossaryService, db: Database, fields: TermFields, message: str
) -> None:
    await glossary.ensure_shipped(GUILD)
    before = (await count(db, "glossary_terms"), await count(db, "glossary_names"))
    with pytest.raises(UserFacingError, match=message):
        await glossary.add_term(GUILD, MOD, fields)
    assert (await count(db, "glossary_terms"), await count(db, "glossary_names")) == before


async def test_every_change_is_a_revision_and_revert_restores_it(
    glossary: GlossaryService,
) -> None:
    await glossary.edit_term(GUILD, MOD, "tokenism", TermFields("Tokenism", "First edit."))
    await glossary.edit_term(GUILD, MOD, "tokenism", TermFields("Tokenism", "Second edit."))
    _, revisions = await glossary.history(GUILD, "tokenism")
    assert [r.action for r in revisions] == ["edit", "edit", "shipped"]
    assert revisions[0].actor_id == MOD and revisions[2].actor_id is None
    shipped = revisions[2]
    reverted = await glossary.revert(GUILD, MOD, "tokenism", shipped.id)
    assert reverted.definition == shipped.snapshot["definition"]
    _, after = await glossary.history(GUILD, "tokenism")
    assert after[0].action == f"revert to {shipped.id}"
    with pytest.raises(UserFacingError, match="isn't one of"):
        await glossary.revert(GUILD, MOD, "recovery", shipped.id)


async def test_export_then_import_round_trips_and_plans_before_applying(
    glossary: GlossaryService, db: Database, clock: ManualClock
) -> None:
    exported = to_toml(await glossary.export_terms(GUILD))
    other = 444444444444444444
    terms = parse_import(exported.encode())
    # A second server starts empty of shipped terms in this test: give it its own service.
    fresh = GlossaryService(db, PROJECT_ROOT / "data", clock)
    fresh._loaded.add(other)  # pretend the shipped file was already handled there
    plan = await fresh.plan_import(other, terms)
    assert len(plan.add) == len(terms) and not plan.update and not plan.problems
    assert await fresh.list_terms(other) == []  # planning changes nothing
    await fresh.apply_import(other, MOD, plan)
    assert len(await fresh.list_terms(other)) == len(terms)
    again = await fresh.plan_import(other, terms)
    assert not again.add and not again.update and len(again.unchanged) == len(terms)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\xff\xfe", "isn't text"),
        (b"[[term]\nname=", "isn't valid TOML"),
        (b"version = 1\n", r"no \[\[term\]\] entries"),
        (b'[[term]]\nslug = "a"\n', "missing"),
    ],
)
def test_a_bad_import_file_is_explained(payload: bytes, message: str) -> None:
    with pytest.raises(UserFacingError, match=message):
        parse_import(payload)


async def test_member_data_export_and_erasure(glossary: GlossaryService, db: Database) -> None:
    await glossary.suggest_term(GUILD, MEMBER, "Mutual aid", "Helping each other.", "")
    perspective, _ = await glossary.add_perspective(
        GUILD, MEMBER, "recovery", "Mine.", anonymous=True
    )
    await glossary.decide_perspective(GUILD, perspective.id, approve=True)
    data = await glossary.export_member(GUILD, MEMBER)
    assert len(data["perspectives"]) == 1 and len(data["suggestions"]) == 1  # type: ignore[arg-type]
    await glossary.erase_member(GUILD, MEMBER)
    assert await glossary.export_member(GUILD, MEMBER) == {"perspectives": [], "suggestions": []}
    hits, _ = await glossary.search(GUILD, "Mine")
    assert hits == []
