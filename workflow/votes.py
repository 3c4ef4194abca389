"""Vote rules of the KVG LSA, kept as data so that each committee can follow its own rules.

A recorded vote is evaluated here and nowhere else, so that the outcome shown in the
Sitzungsdienst, in the audit trail and in the Sachstandsbericht can never disagree, and so
that every outcome comes with a German sentence explaining it to the people who record it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from workflow.errors import WorkflowError

Outcome = Literal["angenommen", "abgelehnt", "nicht_beschlussfaehig"]

_FRACTION_WORDS: dict[Fraction, str] = {
    Fraction(1, 2): "die Hälfte",
    Fraction(1, 3): "ein Drittel",
    Fraction(2, 3): "zwei Drittel",
    Fraction(1, 4): "ein Viertel",
    Fraction(3, 4): "drei Viertel",
}


class InvalidVote(WorkflowError, ValueError):
    """A recorded vote that cannot be right; ``field`` lets a form mark the input to fix.

    When the counts together exceed those who could vote, no single count is to blame; the
    error then names ``yes``, the first count field of the form.
    """

    slug = "abstimmung-ungueltig"
    title = "Abstimmung ungültig"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.detail = message

    def extensions(self) -> dict[str, Any]:
        return {"fields": [{"field": self.field, "label": self.field, "message": self.message}]}


@dataclass(frozen=True)
class VoteRules:
    """How a body decides; one instance per committee.

    The defaults follow § 55 KVG LSA: the body is beschlussfähig when more than half of its
    voting members are present, a motion needs more Ja than Nein, abstentions and befangene
    members do not count, and a tie rejects. The local Geschäftsordnung (or a special statute)
    may differ, which is why these are settings rather than constants.

    Quorum means: present > members * quorum_numerator / quorum_denominator.
    """

    quorum_numerator: int = 1
    quorum_denominator: int = 2
    tie_rejects: bool = True
    abstentions_count: bool = False

    def __post_init__(self) -> None:
        # A quorum of "more than all members" could never be met, so it is a typo, not a rule.
        if self.quorum_denominator <= 0 or not 0 <= self.quorum_numerator < self.quorum_denominator:
            raise ValueError(
                "Das Quorum muss ein Bruchteil zwischen 0 und 1 sein "
                f"(angegeben: {self.quorum_numerator}/{self.quorum_denominator})."
            )

    @property
    def quorum_fraction(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    def required_present(self, voting_members: int) -> int:
        """Smallest attendance strictly above the quorum fraction, in integers to avoid rounding."""
        return voting_members * self.quorum_numerator // self.quorum_denominator + 1


@dataclass(frozen=True)
class VoteInput:
    """A vote as the Sitzungsdienst records it.

    ``present`` counts the voting members present, befangene members included: they are in
    the room, but they leave the vote, so they are subtracted from those who could have voted.
    ``unanimous`` records an "einstimmig" decision for which no tallies were taken; then
    ``present`` may be 0 (attendance not recorded) and ``quorum_stated`` says that the chair
    stated the body was beschlussfähig.
    """

    voting_members: int
    present: int
    yes: int | None
    no: int | None
    abstain: int | None
    biased: int = 0
    unanimous: bool = False
    quorum_stated: bool = False


@dataclass(frozen=True)
class VoteResult:
    quorate: bool
    passed: bool
    outcome: Outcome
    explanation: str
    required_present: int


def evaluate(vote: VoteInput, rules: VoteRules = VoteRules()) -> VoteResult:
    """Decide a recorded vote, rejecting records that contradict themselves."""
    _validate(vote)
    required = rules.required_present(vote.voting_members)
    quorum_met = vote.present >= required
    quorate = quorum_met or (vote.unanimous and vote.quorum_stated)
    sentences = [_quorum_sentence(vote, rules, required, quorum_met, quorate)]

    if not quorate:
        sentences.append("Ein Beschluss ist daher nicht zustande gekommen.")
        return VoteResult(
            quorate=False,
            passed=False,
            outcome="nicht_beschlussfaehig",
            explanation=" ".join(sentences),
            required_present=required,
        )

    if vote.biased:
        sentences.append(_biased_sentence(vote.biased))

    if vote.unanimous:
        passed = True
        sentences.append("Einstimmig angenommen.")
    else:
        # _validate guarantees the counts for a counted vote.
        assert vote.yes is not None and vote.no is not None and vote.abstain is not None
        against = vote.no + vote.abstain if rules.abstentions_count else vote.no
        tie = vote.yes == against
        passed = vote.yes > against or (tie and not rules.tie_rejects)
        sentences.append(_count_sentence(vote.yes, vote.no, vote.abstain, passed, tie, rules))

    return VoteResult(
        quorate=True,
        passed=passed,
        outcome="angenommen" if passed else "abgelehnt",
        explanation=" ".join(sentences),
        required_present=required,
    )


def _validate(vote: VoteInput) -> None:
    if vote.voting_members < 1:
        raise InvalidVote(
            "voting_members", "Das Gremium muss mindestens ein stimmberechtigtes Mitglied haben."
        )
    if vote.present < 0:
        raise InvalidVote("present", "Die Zahl der Anwesenden darf nicht negativ sein.")
    if vote.present > vote.voting_members:
        raise InvalidVote(
            "present",
            f"Es können nicht {vote.present} Mitglieder anwesend sein, wenn das Gremium nur "
            f"{vote.voting_members} stimmberechtigte Mitglieder hat.",
        )
    if vote.biased < 0:
        raise InvalidVote("biased", "Die Zahl der befangenen Mitglieder darf nicht negativ sein.")
    if vote.biased > vote.present:
        raise InvalidVote(
            "biased",
            f"Es können nicht {vote.biased} Mitglieder befangen sein, wenn nur "
            f"{vote.present} anwesend sind.",
        )

    counts = {"yes": vote.yes, "no": vote.no, "abstain": vote.abstain}
    labels = {"yes": "Ja-Stimmen", "no": "Nein-Stimmen", "abstain": "Enthaltungen"}
    if vote.unanimous:
        for field, value in counts.items():
            if value is not None:
                raise InvalidVote(
                    field,
                    "Bei einem einstimmigen Beschluss ohne Auszählung dürfen keine "
                    f"{labels[field]} angegeben werden.",
                )
        return

    for field, value in counts.items():
        if value is None:
            raise InvalidVote(
                field,
                f"Bitte die Zahl der {labels[field]} angeben oder den Beschluss als "
                "einstimmig erfassen.",
            )
        if value < 0:
            raise InvalidVote(field, f"Die Zahl der {labels[field]} darf nicht negativ sein.")

    cast = sum(v for v in counts.values() if v is not None)
    may_vote = vote.present - vote.biased
    if cast > may_vote:
        raise InvalidVote(
            "yes",
            f"Es wurden {cast} Stimmen erfasst, aber nur {may_vote} anwesende Mitglieder "
            "durften abstimmen (Anwesende abzüglich befangener Mitglieder).",
        )


def _quorum_sentence(
    vote: VoteInput, rules: VoteRules, required: int, quorum_met: bool, quorate: bool
) -> str:
    members = vote.voting_members
    if quorum_met:
        share = _FRACTION_WORDS.get(
            rules.quorum_fraction, f"{rules.quorum_numerator}/{rules.quorum_denominator}"
        )
        return (
            f"Beschlussfähig: {vote.present} von {members} stimmberechtigten Mitgliedern "
            f"anwesend (mehr als {share})."
        )
    if quorate:
        attendance = (
            "die Anwesenheit wurde nicht erfasst"
            if vote.present == 0
            else f"erfasst sind {vote.present} von {members} stimmberechtigten Mitgliedern"
        )
        return f"Beschlussfähig laut Feststellung der Sitzungsleitung; {attendance}."
    if vote.present == 0:
        return (
            "Nicht beschlussfähig: Die Anwesenheit wurde nicht erfasst und die "
            "Beschlussfähigkeit nicht festgestellt; erforderlich sind mindestens "
            f"{required} von {members} stimmberechtigten Mitgliedern."
        )
    return (
        f"Nicht beschlussfähig: nur {vote.present} von {members} stimmberechtigten "
        f"Mitgliedern anwesend; erforderlich sind mindestens {required}."
    )


def _biased_sentence(biased: int) -> str:
    if biased == 1:
        return "1 Mitglied war befangen und hat nicht mitgestimmt."
    return f"{biased} Mitglieder waren befangen und haben nicht mitgestimmt."


def _count_sentence(
    yes: int, no: int, abstain: int, passed: bool, tie: bool, rules: VoteRules
) -> str:
    tally = (
        f"{yes} Ja-, {no} {'Nein-Stimme' if no == 1 else 'Nein-Stimmen'} und "
        f"{abstain} {'Enthaltung' if abstain == 1 else 'Enthaltungen'}"
    )
    verdict = "Angenommen" if passed else "Abgelehnt"
    sentence = f"{verdict} bei Stimmengleichheit mit {tally}." if tie else f"{verdict} mit {tally}."
    if rules.abstentions_count:
        sentence += (
            " Nach der Geschäftsordnung zählen Enthaltungen mit: Erforderlich sind mehr "
            "Ja-Stimmen als Nein-Stimmen und Enthaltungen zusammen."
        )
    if tie and not rules.tie_rejects:
        sentence += " Nach der Geschäftsordnung gilt Stimmengleichheit als Annahme."
    return sentence
