"""Buddy pairing as a pure function: who meets whom this round.

The rules, in order of importance:
1. "Avoid" is never broken: two members who must not meet are never in one group.
2. Everyone is placed exactly once. Groups are pairs, plus one trio when the count is odd; a
   member is left on their own only when the avoid rules leave no other way (or they are the
   only one), and the caller tells them kindly rather than leaving them out silently.
3. Nobody meets someone from the last `window` rounds if any other arrangement exists; when a
   repeat is unavoidable, older meetings are preferred to recent ones.

It is a depth-first branch-and-bound search over "the first unplaced member joins whom", with
the most constrained members placed first. The first descent is a greedy pairing, so large
rounds finish quickly; the search then repairs the end of the arrangement until it is perfect
or the step budget runs out. Small rounds are always solved exactly.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

REPEAT_WINDOW = 6
DEFAULT_BUDGET = 50_000

Group = tuple[int, ...]
Cost = tuple[int, int]  # (members left on their own, weighted repeats)


@dataclass(frozen=True, slots=True)
class _Option:
    partners: tuple[int, ...]  # positions in the search order, excluding the member placed
    cost: Cost


def recent_meetings(
    rounds: Sequence[Sequence[Sequence[int]]], window: int
) -> dict[frozenset[int], int]:
    """Weight each pair met in the last `window` rounds (most recent first): recent costs more."""
    weights: dict[frozenset[int], int] = {}
    for age, groups in enumerate(rounds[:window]):
        weight = window - age
        for group in groups:
            members = list(group)
            for i, first in enumerate(members):
                for second in members[i + 1 :]:
                    key = frozenset((first, second))
                    weights[key] = max(weights.get(key, 0), weight)
    return weights


def pair_members(
    members: Iterable[int],
    *,
    recent_rounds: Sequence[Sequence[Sequence[int]]] = (),
    avoid: Iterable[tuple[int, int]] = (),
    rng: random.Random | None = None,
    window: int = REPEAT_WINDOW,
    budget: int = DEFAULT_BUDGET,
) -> list[Group]:
    """Group `members` for one round; see the module docstring for the rules."""
    people = sorted(set(members))
    rng = rng or random.Random()
    if not people:
        return []
    if len(people) == 1:
        return [(people[0],)]
    wanted = set(people)
    blocked: dict[int, set[int]] = {person: set() for person in people}
    for first, second in avoid:
        if first in wanted and second in wanted and first != second:
            blocked[first].add(second)
            blocked[second].add(first)
    met = {
        pair: weight
        for pair, weight in recent_meetings(recent_rounds, window).items()
        if pair <= wanted and len(pair) == 2
    }
    met_count: dict[int, int] = dict.fromkeys(people, 0)
    for pair in met:
        for person in pair:
            met_count[person] += 1
    rng.shuffle(people)
    # Most constrained first: they have the fewest possible partners, so place them early.
    people.sort(key=lambda p: len(blocked[p]) + met_count[p], reverse=True)
    search = _Search(people, blocked, met, budget)
    return [tuple(sorted(people[i] for i in group)) for group in search.run()]


class _Search:
    """Iterative branch and bound over a dancing-links list of unplaced members.

    No recursion (so thousands of members are fine), and undoing a choice restores the list in
    O(1) because removals are always undone in reverse order.
    """

    def __init__(
        self,
        order: list[int],
        blocked: Mapping[int, set[int]],
        met: Mapping[frozenset[int], int],
        budget: int,
    ) -> None:
        self.n = n = len(order)
        position = {person: i for i, person in enumerate(order)}
        self.blocked = [{position[b] for b in blocked[p]} for p in order]
        self.met: dict[tuple[int, int], int] = {}
        for pair, weight in met.items():
            a, b = sorted(position[p] for p in pair)
            self.met[(a, b)] = weight
        self.budget = budget
        # Position n is the sentinel: nxt[n] is the first unplaced member.
        self.nxt = [*range(1, n + 1), 0]
        self.prv = [n, *range(n)]

    def _remove(self, x: int) -> None:
        self.nxt[self.prv[x]] = self.nxt[x]
        self.prv[self.nxt[x]] = self.prv[x]

    def _restore(self, x: int) -> None:
        self.nxt[self.prv[x]] = x
        self.prv[self.nxt[x]] = x

    def _weight(self, a: int, b: int) -> int:
        return self.met.get((a, b) if a < b else (b, a), 0)

    def _later(self, u: int) -> Iterator[int]:
        v = self.nxt[u]
        while v != self.n:
            if v not in self.blocked[u]:
                yield v
            v = self.nxt[v]

    def _pairs(self, u: int, fresh: bool) -> Iterator[_Option]:
        for v in self._later(u):
            weight = self._weight(u, v)
            if (weight == 0) == fresh:
                yield _Option((v,), (0, weight))

    def _trios(self, u: int, fresh: bool) -> Iterator[_Option]:
        for v in self._later(u):
            w = self.nxt[v]
            while w != self.n:
                if w not in self.blocked[u] and w not in self.blocked[v]:
                    weight = self._weight(u, v) + self._weight(u, w) + self._weight(v, w)
                    if (weight == 0) == fresh:
                        yield _Option((v, w), (0, weight))
                w = self.nxt[w]

    def _options(self, u: int, remaining: int, trio_free: bool) -> Iterator[_Option]:
        # Cheapest kinds first, so the first descent is a good greedy arrangement.
        trio_first = trio_free and remaining == 3
        if trio_first:
            yield from self._trios(u, fresh=True)
        yield from self._pairs(u, fresh=True)
        if trio_free and not trio_first:
            yield from self._trios(u, fresh=True)
        if trio_first:
            yield from self._trios(u, fresh=False)
        yield from self._pairs(u, fresh=False)
        if trio_free and not trio_first:
            yield from self._trios(u, fresh=False)
        yield _Option((), (1, 0))

    def run(self) -> list[tuple[int, ...]]:
        """Return the best arrangement found, as groups of positions."""
        n = self.n
        best: list[tuple[int, ...]] = []
        best_cost: Cost = (n + 1, 0)
        groups: list[tuple[int, ...]] = []
        costs: list[Cost] = [(0, 0)]
        placed = 0
        trios = 0
        frames: list[tuple[int, Iterator[_Option]]] = [(0, self._options(0, n, trio_free=True))]
        steps = 0
        while frames and not (best and steps >= self.budget):
            u, options = frames[-1]
            cost = costs[-1]
            chosen: Cost | None = None
            group: tuple[int, ...] = ()
            for option in options:
                total = (cost[0] + option.cost[0], cost[1] + option.cost[1])
                if total < best_cost:
                    chosen, group = total, (u, *option.partners)
                    break
            if chosen is None:
                frames.pop()
                if groups:  # the parent's choice is exhausted below: undo it
                    placed, trios = self._undo(groups, costs, placed, trios)
                continue
            steps += 1
            for member in group:
                self._remove(member)
            groups.append(group)
            costs.append(chosen)
            placed += len(group)
            trios += len(group) == 3
            if placed == n:
                best, best_cost = list(groups), chosen
                if chosen == (0, 0):
                    break
                placed, trios = self._undo(groups, costs, placed, trios)
                continue
            nxt = self.nxt[n]
            frames.append((nxt, self._options(nxt, n - placed, trio_free=trios == 0)))
        return best

    def _undo(
        self, groups: list[tuple[int, ...]], costs: list[Cost], placed: int, trios: int
    ) -> tuple[int, int]:
        group = groups.pop()
        costs.pop()
        for member in reversed(group):
            self._restore(member)
        return placed - len(group), trios - (len(group) == 3)
