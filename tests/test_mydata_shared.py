"""A member erases their data after someone shared a glossary answer quoting them by name.

The shared answer sits in a public channel with their name and their words; after their
`/mydata delete` nobody scrolling back finds either. Shares that credit nobody stay put.
"""

from __future__ import annotations

import json

import simcord

from tests.conftest import World

NAMED_VIEW = "Boundaries let me stay in the work for the long run, said plainly."


def channel_text(channel: simcord.ChannelHandle) -> str:
    """Everything in a channel's history, as anyone scrolling back would read it."""
    return json.dumps(
        [[m.content, [e.to_dict() for e in m.embeds]] for m in channel.history()],
        ensure_ascii=False,
    )


async def delete_my_data(world: World, actor: simcord.MemberActor) -> str:
    asked = await actor.slash(world.general, "mydata delete")
    confirm = asked.response.components[0]["components"][0]["custom_id"]
    done = await actor.click(asked.response.message, custom_id=confirm)
    return str(done.followups[-1].content if done.followups else done.response.content)


async def test_a_shared_answer_quoting_them_by_name_goes_when_they_erase(world: World) -> None:
    glossary = world.services.glossary
    perspective, _ = await glossary.add_perspective(
        world.guild.id, world.member.id, "boundaries", NAMED_VIEW, anonymous=False
    )
    await glossary.decide_perspective(world.guild.id, perspective.id, approve=True)
    shared = await world.other.slash(
        world.general, "glossary define", term="boundaries", share=True
    )
    assert not shared.ephemeral
    before = channel_text(world.general)
    assert NAMED_VIEW in before and f"<@{world.member.id}>" in before
    unrelated = await world.other.slash(
        world.general, "glossary define", term="co-production", share=True
    )
    assert not unrelated.ephemeral

    await delete_my_data(world, world.member)

    after = channel_text(world.general)
    assert NAMED_VIEW not in after and str(world.member.id) not in after
    # Someone else's share that never named them is still there.
    assert "Co-production" in after or "co-production" in after.lower()
