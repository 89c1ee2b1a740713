"""What maps and reports read: one round's subjects, stored scores, findings and aggregates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from audit.model import Aggregate, Change, Finding, Outcome, Subject, SubjectScore, aggregate, compare, is_within
from audit.store import Round, Store


@dataclass
class RoundView:
    """A read-only snapshot of one round, optionally limited to an area. Scores come from the store."""

    store: Store
    round: Round
    scores: Mapping[str, SubjectScore]
    subjects: Mapping[str, Subject]
    area: str | None = None

    @classmethod
    def load(cls, store: Store, round_id: int, version: str, area: str | None = None) -> RoundView:
        """Scores of `version` (the current scoring version) for the round; subjects outside `area` dropped."""
        scores = {s.subject_key: s for s in store.scores(round_id, version)}
        subjects = round_subjects(store, round_id, scores)
        if area:
            subjects = {k: s for k, s in subjects.items() if is_within(s.area_code, area)}
            scores = {k: v for k, v in scores.items() if k in subjects}
        return cls(store, store.get_round(round_id), scores, subjects, area)

    def inspected_on(self, subject_key: str) -> str:
        """The inspection date written on the row (facilities), else the day the round began."""
        subject = self.subjects.get(subject_key)
        written = subject.attributes.get("inspected_on") if subject else None
        return str(written) if written else self.round.started_at[:10]

    def findings(self, subject_key: str | None = None, outcome: Outcome | None = None) -> Iterable[Finding]:
        for finding in self.store.findings(self.round.id, subject_key, outcome=outcome):
            if finding.subject_key in self.subjects:
                yield finding

    def pairs(self) -> Iterable[tuple[Subject, SubjectScore]]:
        return ((self.subjects[k], s) for k, s in self.scores.items() if k in self.subjects)

    @cached_property
    def aggregates(self) -> dict[tuple[str | None, str], Aggregate]:
        return aggregate(self.pairs())

    def previous(self, version: str) -> RoundView | None:
        """The previous complete round of the same kind, limited to the same area."""
        before = self.store.latest_round(self.round.kind, before=self.round.id)
        return RoundView.load(self.store, before.id, version, self.area) if before else None

    def changes(self, previous: RoundView | None) -> dict[tuple[str | None, str], Change]:
        return compare(self.aggregates, previous.aggregates if previous else {})


def round_subjects(store: Store, round_id: int, keys: Iterable[str]) -> dict[str, Subject]:
    """Each subject as the round saw it: its snapshot in that round (name, place, county, inspector, date,
    photos), else the shared subject row (web rounds, and rounds stored before snapshots)."""
    wanted = list(keys)
    found = {s.key: s for s in store.snapshots(round_id, keys=wanted)}
    missing = [k for k in wanted if k not in found]
    if missing:
        found.update((s.key, s) for s in store.subjects(keys=missing))
    return found
