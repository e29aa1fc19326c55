"""Buddy pairing properties, checked with hypothesis against a brute-force optimum."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checkins.pairing import pair_members, recent_meetings

WINDOW = 3


def partitions(people: list[int], trio_used: bool = False) -> Iterator[list[tuple[int, ...]]]:
    """Every way to split people into singles, pairs and at most one trio."""
    if not people:
        yield []
        return
    first, rest = people[0], people[1:]
    for tail in partitions(rest, trio_used):
        yield [(first,), *tail]
    for i, second in enumerate(rest):
        others = rest[:i] + rest[i + 1 :]
        for tail in partitions(others, trio_used):
            yield [(first, second), *tail]
        if not trio_used:
            for j, third in enumerate(others):
                remaining = others[:j] + others[j + 1 :]
                if third > second:
                    for tail in partitions(remaining, True):
                        yield [(first, second, third), *tail]


def cost(
    groups: Sequence[tuple[int, ...]],
    weights: dict[frozenset[int], int],
) -> tuple[int, int]:
    solos = sum(1 for g in groups if len(g) == 1)
    repeats = 0
    for group in groups:
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                repeats += weights.get(frozenset((a, b)), 0)
    return solos, repeats


def allowed(groups: Sequence[tuple[int, ...]], avoid: set[frozenset[int]]) -> bool:
    return not any(
        frozenset((a, b)) in avoid for g in groups for i, a in enumerate(g) for b in g[i + 1 :]
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[int], list[list[list[int]]], list[tuple[int, int]]]:
    n = draw(st.integers(min_value=0, max_value=8))
    people = list(range(100, 100 + n))
    rounds: list[list[list[int]]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        shuffled = draw(st.permutations(people))
        rounds.append([list(shuffled[i : i + 2]) for i in range(0, len(shuffled), 2)])
    pairs = [(a, b) for i, a in enumerate(people) for b in people[i + 1 :]]
    avoid = draw(st.lists(st.sampled_from(pairs), max_size=6)) if pairs else []
    return people, rounds, avoid


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.integers(min_value=0, max_value=10_000))
def test_pairing_rules_hold_and_the_result_is_optimal(
    scenario: tuple[list[int], list[list[list[int]]], list[tuple[int, int]]], seed: int
) -> None:
    people, rounds, avoid = scenario
    groups = pair_members(
        people, recent_rounds=rounds, avoid=avoid, rng=random.Random(seed), window=WINDOW
    )
    placed = [m for g in groups for m in g]
    # Everyone is placed exactly once.
    assert sorted(placed) == sorted(people)
    # Pairs, at most one trio; with nobody alone, a trio exactly when the count is odd.
    assert all(1 <= len(g) <= 3 for g in groups)
    assert sum(1 for g in groups if len(g) == 3) <= 1
    solos = [g for g in groups if len(g) == 1]
    if not solos:
        assert any(len(g) == 3 for g in groups) == (len(people) % 2 == 1)
    # "Avoid" is always respected.
    avoided = {frozenset(p) for p in avoid}
    assert allowed(groups, avoided)
    # Nobody alone and no repeats unless unavoidable: the cost equals the brute-force best.
    weights = recent_meetings(rounds, WINDOW)
    best = min(cost(p, weights) for p in partitions(sorted(people)) if allowed(p, avoided))
    assert cost(groups, weights) == best


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=2, max_value=20), st.integers(min_value=0, max_value=1000))
def test_without_constraints_nobody_is_alone_and_nobody_repeats_within_the_window(
    half: int, seed: int
) -> None:
    rng = random.Random(seed)
    n = 2 * half
    people = list(range(n))
    history: list[list[tuple[int, ...]]] = []
    # After w rounds of pairs each member still has n - 1 - w fresh partners; with w < n/2 that
    # graph is Dirac (Hamiltonian), so a fresh pairing always exists and must be found.
    window = min(WINDOW, half - 1)
    for _ in range(window + 2):
        groups = pair_members(people, recent_rounds=history[::-1], rng=rng, window=window)
        assert all(len(g) >= 2 for g in groups)
        recent = recent_meetings(history[::-1], window)
        for group in groups:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    assert frozenset((a, b)) not in recent
        history.append(groups)


def test_a_single_member_is_placed_alone_rather_than_left_out() -> None:
    assert pair_members([7]) == [(7,)]
    assert pair_members([]) == []


def test_two_members_who_avoid_each_other_are_never_paired() -> None:
    groups = pair_members([1, 2], avoid=[(2, 1)])
    assert sorted(groups) == [(1,), (2,)]


def test_large_rounds_finish_and_place_everyone() -> None:
    rng = random.Random(5)
    people = list(range(1001))
    history: list[list[tuple[int, ...]]] = []
    for _ in range(5):
        groups = pair_members(people, recent_rounds=history[::-1], rng=rng)
        assert sorted(m for g in groups for m in g) == people
        assert sum(1 for g in groups if len(g) == 3) == 1
        history.append(groups)
