"""The glossary through SimCord: members define and contribute, moderators review and edit."""

from __future__ import annotations

import pytest
import simcord

from tests.conftest import World


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.glossary")


async def set_review_channel(world: World) -> None:
    await world.moderator.slash(
        world.general,
        "mod settings set",
        key="glossary_review_channel",
        value=f"<#{world.mod_channel.id}>",
    )


async def test_autocomplete_covers_names_aliases_and_accents(world: World) -> None:
    choices = await world.member.autocomplete(world.general, "glossary define", "term", "CO-PROD")
    assert choices[0]["value"] == "co-production"
    by_alias = await world.member.autocomplete(
        world.general, "glossary define", "term", "coproduction"
    )
    assert by_alias[0]["name"].endswith("→ Co-production")
    await world.moderator.slash(
        world.general, "mod glossary add", term="Récit de soi", definition="Telling your own story."
    )
    accented = await world.member.autocomplete(world.general, "glossary define", "term", "recit")
    assert accented[0]["name"] == "Récit de soi"
    everything = await world.member.autocomplete(world.general, "glossary define", "term", "")
    assert len(everything) == 25


async def test_define_shows_definition_viewpoints_contested_marker_and_related_buttons(
    world: World,
) -> None:
    result = await world.member.slash(world.general, "glossary define", term="recovery")
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Recovery"
    names = [f.name for f in embed.fields]
    assert "Contested" in names
    assert len([n for n in names if n not in ("Contested", "Also called", "Sources")]) >= 2
    buttons = [c for row in result.response.components for c in row["components"]]
    related = [b for b in buttons if b["custom_id"].startswith("alongside:glossary:term:")]
    assert related
    opened = await world.member.click(result.response.message, custom_id=related[0]["custom_id"])
    assert opened.ephemeral
    assert opened.response.embeds[0].title == related[0]["label"]


async def test_unknown_term_suggests_close_names(world: World) -> None:
    result = await world.member.slash(world.general, "glossary define", term="tokensim")
    assert result.ephemeral
    assert "Did you mean: Tokenism" in result.response.content


async def test_share_posts_the_entry_publicly_without_pinging(world: World) -> None:
    result = await world.member.slash(world.general, "glossary define", term="tokenism", share=True)
    assert not result.ephemeral
    assert result.response.embeds[0].title == "Tokenism"


async def test_search_is_ranked_and_list_is_alphabetical(world: World) -> None:
    found = await world.member.slash(world.general, "glossary search", query="recovery")
    assert found.ephemeral
    first_two = [f.name for f in found.response.embeds[0].fields[:2]]
    assert set(first_two) == {"Recovery", "Recovery model"}
    listed = await world.member.slash(world.general, "glossary list", letter="p")
    lines = listed.response.embeds[0].description.splitlines()
    assert lines == sorted(lines) and all(line.startswith("• P") for line in lines)


async def test_suggest_then_approve_then_define_and_the_contributor_is_told(world: World) -> None:
    await set_review_channel(world)
    form = await world.member.slash(world.general, "glossary suggest")
    assert form.modal is not None
    sent = await world.member.submit_modal(
        form,
        {"term": "Mutual aid", "definition": "Looking after each other, as equals.", "source": ""},
    )
    assert sent.ephemeral and "once a moderator has looked at it" in sent.response.content
    review = world.mod_channel.last_message
    assert review.embeds[0].title == "Suggested term: Mutual aid"
    approved = await world.moderator.click(
        review, custom_id=review.components[0].children[0].custom_id
    )
    assert approved.ephemeral
    footer = world.mod_channel.last_message.embeds[0].footer.text
    # The card outlives a moderator's /mydata delete, so it never names them (/mod log does,
    # until they erase).
    assert "Approved by a moderator" in footer and world.moderator.name not in footer.split()
    defined = await world.other.slash(world.general, "glossary define", term="mutual aid")
    assert defined.response.embeds[0].description == "Looking after each other, as equals."
    assert "Mutual aid" in world.member.user.dm_channel.last_message.content


async def test_a_perspective_appears_after_approval_credited_as_chosen(world: World) -> None:
    await set_review_channel(world)
    form = await world.member.slash(
        world.general, "glossary perspective", term="boundaries", credit="a member"
    )
    await world.member.submit_modal(
        form, {"perspective": "Boundaries let me keep doing this work."}
    )
    review = world.mod_channel.last_message
    assert "asked not to be named" in review.embeds[0].fields[0].value
    assert str(world.member.id) not in str(review.embeds[0].to_dict())
    before = await world.other.slash(world.general, "glossary define", term="boundaries")
    assert "Boundaries let me keep" not in str(before.response.embeds[0].to_dict())
    await world.moderator.click(review, custom_id=review.components[0].children[0].custom_id)
    after = await world.other.slash(world.general, "glossary define", term="boundaries")
    text = str([e.to_dict() for e in [after.response.embeds[0]]])
    assert "Boundaries let me keep doing this work.\\n— a member" in text


async def test_reject_tells_the_contributor_the_reason_privately(world: World) -> None:
    await set_review_channel(world)
    form = await world.member.slash(world.general, "glossary suggest")
    await world.member.submit_modal(form, {"term": "Thing", "definition": "A thing.", "source": ""})
    review = world.mod_channel.last_message
    reject_id = review.components[0].children[-1].custom_id
    assert reject_id.startswith("alongside:glossary:reject:s")
    reason_form = await world.moderator.click(review, custom_id=reject_id)
    done = await world.moderator.submit_modal(
        reason_form, {"reason": "Too close to an existing term."}
    )
    assert done.ephemeral
    told = world.member.user.dm_channel.last_message.content
    assert "Too close to an existing term." in told and "Thing" in told
    missing = await world.member.slash(world.general, "glossary define", term="Thing")
    assert "isn't in the glossary" in missing.response.content


async def test_bad_suggestions_are_explained_and_the_text_is_given_back(world: World) -> None:
    form = await world.member.slash(world.general, "glossary suggest")
    sent = await world.member.submit_modal(
        form, {"term": "@everyone", "definition": "Spam for all.", "source": ""}
    )
    assert sent.ephemeral
    assert "can't hold mentions" in sent.response.content
    assert "Spam for all." in sent.response.content  # nothing typed is lost
    duplicate = await world.member.slash(world.general, "glossary suggest")
    dup = await world.member.submit_modal(
        duplicate, {"term": "RECOVERY", "definition": "Again.", "source": ""}
    )
    assert "already in the glossary" in dup.response.content


async def test_a_crafted_approve_click_from_a_member_is_refused(world: World) -> None:
    await set_review_channel(world)
    form = await world.member.slash(world.general, "glossary suggest")
    await world.member.submit_modal(
        form, {"term": "Solidarity pay", "definition": "Pay.", "source": ""}
    )
    review = world.mod_channel.last_message
    approve_id = review.components[0].children[0].custom_id
    # The member can see the review channel in this test server; the bot must still refuse.
    refused = await world.other.click(review, custom_id=approve_id)
    assert refused.ephemeral
    assert "Only moderators can use this" in refused.response.content
    assert (
        "isn't in the glossary"
        in (
            await world.member.slash(world.general, "glossary define", term="Solidarity pay")
        ).response.content
    )


async def test_a_crafted_mod_glossary_add_from_a_member_is_refused(world: World) -> None:
    world.open_mod_commands_to_everyone()
    result = await world.member.slash(
        world.general, "mod glossary add", term="Sneaky", definition="Should not exist."
    )
    assert "Only moderators can use this" in result.response.content
    missing = await world.member.slash(world.general, "glossary define", term="Sneaky")
    assert "isn't in the glossary" in missing.response.content


async def test_history_and_revert_through_commands(world: World) -> None:
    form = await world.moderator.slash(world.general, "mod glossary edit", term="tokenism")
    await world.moderator.submit_modal(
        form, {"name": "Tokenism", "definition": "A rewrite.", "aliases": "", "contested_note": ""}
    )
    history = await world.moderator.slash(world.general, "mod glossary history", term="tokenism")
    text = history.response.embeds[0].description
    assert "edit" in text and "shipped file" in text
    shipped_id = int(text.split("**#")[-1].split("**")[0])
    await world.moderator.slash(
        world.general, "mod glossary revert", term="tokenism", revision=shipped_id
    )
    defined = await world.member.slash(world.general, "glossary define", term="tokenism")
    assert defined.response.embeds[0].description != "A rewrite."
    log = await world.moderator.slash(world.general, "mod log")
    assert "glossary.revert" in log.response.embeds[0].description


async def test_review_buttons_survive_a_restart(world: World) -> None:
    await set_review_channel(world)
    form = await world.member.slash(world.general, "glossary suggest")
    await world.member.submit_modal(
        form, {"term": "Peer-led", "definition": "Led by peers.", "source": ""}
    )
    review = world.mod_channel.last_message
    await world.restart()
    approved = await world.moderator.click(
        review, custom_id=review.components[0].children[0].custom_id
    )
    assert approved.ephemeral and "Approved" in approved.response.content


async def test_export_then_import_with_a_dry_run_before_anything_changes(world: World) -> None:
    await world.moderator.slash(
        world.general, "mod glossary add", term="Mutual aid", definition="Looking after each other."
    )
    exported = await world.moderator.slash(world.general, "mod glossary export")
    attachment = exported.response.attachments[0]
    assert attachment.filename == "alongside-glossary.toml"
    data = await attachment.read()
    assert b'name = "Mutual aid"' in data

    # Edit locally, then import the earlier export: the dry run says what would change.
    form = await world.moderator.slash(world.general, "mod glossary edit", term="mutual aid")
    await world.moderator.submit_modal(
        form, {"name": "Mutual aid", "definition": "Changed.", "aliases": "", "contested_note": ""}
    )
    plan = await world.moderator.slash(
        world.general, "mod glossary import", file=("alongside-glossary.toml", data)
    )
    assert plan.ephemeral
    summary = plan.response.content
    assert "add 0 terms and update 1" in summary and "Mutual aid" in summary
    still = await world.member.slash(world.general, "glossary define", term="mutual aid")
    assert still.response.embeds[0].description == "Changed."  # nothing applied yet
    await world.moderator.click(plan.response.message, custom_id=plan_confirm_id(plan))
    applied = await world.member.slash(world.general, "glossary define", term="mutual aid")
    assert applied.response.embeds[0].description == "Looking after each other."


async def test_a_broken_import_file_is_explained_and_changes_nothing(world: World) -> None:
    result = await world.moderator.slash(
        world.general, "mod glossary import", file=("broken.toml", b"[[term]\nname=")
    )
    assert result.ephemeral
    assert "isn't valid TOML" in result.response.content


def plan_confirm_id(result: simcord.InteractionResult) -> str:
    """The custom_id of the Confirm button under an import plan."""
    return result.response.components[0]["components"][0]["custom_id"]
