from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.votes import InvalidVote, VoteInput, VoteResult, VoteRules, evaluate


def counted(
    members: int, present: int, yes: int, no: int, abstain: int, biased: int = 0
) -> VoteInput:
    return VoteInput(
        voting_members=members, present=present, yes=yes, no=no, abstain=abstain, biased=biased
    )


def test_fva_vote_of_the_seed_passes() -> None:
    result = evaluate(counted(11, 9, 9, 0, 0))

    assert result == VoteResult(
        quorate=True,
        passed=True,
        outcome="angenommen",
        explanation=(
            "Beschlussfähig: 9 von 11 stimmberechtigten Mitgliedern anwesend (mehr als die "
            "Hälfte). Angenommen mit 9 Ja-, 0 Nein-Stimmen und 0 Enthaltungen."
        ),
        required_present=6,
    )


def test_missing_quorum_is_not_a_decision() -> None:
    result = evaluate(counted(11, 3, 3, 0, 0))

    assert not result.quorate
    assert not result.passed
    assert result.outcome == "nicht_beschlussfaehig"
    assert result.explanation.startswith(
        "Nicht beschlussfähig: nur 3 von 11 stimmberechtigten Mitgliedern anwesend; "
        "erforderlich sind mindestens 6."
    )


@pytest.mark.parametrize(
    ("vote", "quorate", "outcome", "phrase"),
    [
        pytest.param(counted(11, 11, 5, 5, 1), True, "abgelehnt", "Stimmengleichheit", id="tie"),
        pytest.param(counted(11, 6, 3, 2, 1), True, "angenommen", "1 Enthaltung", id="quorum-6"),
        pytest.param(counted(11, 5, 5, 0, 0), False, "nicht_beschlussfaehig", "nur 5", id="5"),
        pytest.param(
            counted(10, 5, 5, 0, 0), False, "nicht_beschlussfaehig", "mindestens 6", id="h"
        ),
        pytest.param(counted(11, 9, 2, 3, 4), True, "abgelehnt", "3 Nein-Stimmen", id="no-wins"),
        pytest.param(counted(11, 9, 2, 1, 6), True, "angenommen", "6 Enthaltungen", id="abst"),
        pytest.param(counted(11, 9, 0, 0, 9), True, "abgelehnt", "0 Ja-", id="all-abstain"),
    ],
)
def test_counted_votes(vote: VoteInput, quorate: bool, outcome: str, phrase: str) -> None:
    result = evaluate(vote)

    assert result.quorate is quorate
    assert result.outcome == outcome
    assert result.passed is (outcome == "angenommen")
    assert phrase in result.explanation


def test_befangene_members_do_not_count_but_are_present() -> None:
    # 7 present, 3 of them befangen: quorate with 7 of 11, and 2 ja beat 1 nein + 1 Enthaltung.
    result = evaluate(counted(11, 7, 2, 1, 1, biased=3))

    assert result.quorate
    assert result.passed
    assert "3 Mitglieder waren befangen und haben nicht mitgestimmt." in result.explanation


def test_befangene_members_cannot_vote() -> None:
    with pytest.raises(InvalidVote) as error:
        evaluate(counted(11, 7, 3, 1, 1, biased=3))

    assert error.value.field == "yes"
    assert "nur 4 anwesende Mitglieder" in str(error.value)


@pytest.mark.parametrize(
    ("vote", "quorate", "explanation"),
    [
        pytest.param(
            VoteInput(11, 8, None, None, None, unanimous=True),
            True,
            "Beschlussfähig: 8 von 11 stimmberechtigten Mitgliedern anwesend (mehr als die "
            "Hälfte). Einstimmig angenommen.",
            id="attendance-recorded",
        ),
        pytest.param(
            VoteInput(36, 0, None, None, None, unanimous=True, quorum_stated=True),
            True,
            "Beschlussfähig laut Feststellung der Sitzungsleitung; die Anwesenheit wurde nicht "
            "erfasst. Einstimmig angenommen.",
            id="stadtrat-of-the-seed",
        ),
        pytest.param(
            VoteInput(36, 0, None, None, None, unanimous=True),
            False,
            "Nicht beschlussfähig: Die Anwesenheit wurde nicht erfasst und die "
            "Beschlussfähigkeit nicht festgestellt; erforderlich sind mindestens 19 von 36 "
            "stimmberechtigten Mitgliedern. Ein Beschluss ist daher nicht zustande gekommen.",
            id="nothing-known",
        ),
    ],
)
def test_unanimous_without_counts(vote: VoteInput, quorate: bool, explanation: str) -> None:
    result = evaluate(vote)

    assert result.quorate is quorate
    assert result.passed is quorate
    assert result.explanation == explanation


@pytest.mark.parametrize(
    ("rules", "outcome"),
    [
        (VoteRules(), "angenommen"),
        (VoteRules(abstentions_count=True), "abgelehnt"),
    ],
)
def test_counting_abstentions_changes_the_outcome(rules: VoteRules, outcome: str) -> None:
    result = evaluate(counted(11, 11, 5, 3, 3), rules)

    assert result.outcome == outcome
    assert ("zählen Enthaltungen mit" in result.explanation) is rules.abstentions_count


def test_a_tie_may_pass_if_the_geschaeftsordnung_says_so() -> None:
    result = evaluate(counted(11, 10, 5, 5, 0), VoteRules(tie_rejects=False))

    assert result.passed
    assert "gilt Stimmengleichheit als Annahme" in result.explanation


def test_two_thirds_quorum() -> None:
    rules = VoteRules(quorum_numerator=2, quorum_denominator=3)

    assert evaluate(counted(12, 8, 8, 0, 0), rules).outcome == "nicht_beschlussfaehig"
    result = evaluate(counted(12, 9, 8, 0, 0), rules)
    assert result.required_present == 9
    assert "(mehr als zwei Drittel)" in result.explanation


@pytest.mark.parametrize(("numerator", "denominator"), [(1, 0), (-1, 2), (2, 2), (3, 2)])
def test_impossible_quorum_rules_are_refused(numerator: int, denominator: int) -> None:
    with pytest.raises(ValueError, match="Quorum"):
        VoteRules(quorum_numerator=numerator, quorum_denominator=denominator)


@pytest.mark.parametrize(
    ("vote", "field", "phrase"),
    [
        (counted(11, 9, -1, 0, 0), "yes", "Ja-Stimmen darf nicht negativ"),
        (counted(11, 9, 1, -1, 0), "no", "Nein-Stimmen darf nicht negativ"),
        (counted(11, 9, 1, 0, -2), "abstain", "Enthaltungen darf nicht negativ"),
        (counted(11, 9, 5, 4, 1), "yes", "10 Stimmen erfasst"),
        (counted(11, 12, 5, 4, 1), "present", "nur 11 stimmberechtigte"),
        (counted(11, -1, 0, 0, 0), "present", "nicht negativ"),
        (counted(0, 0, 0, 0, 0), "voting_members", "mindestens ein"),
        (counted(11, 9, 1, 0, 0, biased=-1), "biased", "nicht negativ"),
        (counted(11, 9, 0, 0, 0, biased=10), "biased", "nur 9 anwesend"),
        (VoteInput(11, 9, 9, None, None, unanimous=True), "yes", "einstimmig"),
        (VoteInput(11, 9, None, None, 0, unanimous=True), "abstain", "einstimmig"),
        (VoteInput(11, 9, 9, 0, None), "abstain", "Enthaltungen angeben"),
        (VoteInput(11, 9, None, None, None), "yes", "als einstimmig erfassen"),
    ],
)
def test_invalid_votes_name_the_field(vote: VoteInput, field: str, phrase: str) -> None:
    with pytest.raises(InvalidVote, match=phrase) as error:
        evaluate(vote)

    assert error.value.field == field
    assert isinstance(error.value, ValueError)


@st.composite
def valid_votes(draw: st.DrawFn) -> VoteInput:
    members = draw(st.integers(1, 60))
    present = draw(st.integers(0, members))
    biased = draw(st.integers(0, present))
    if draw(st.booleans()):
        return VoteInput(
            members,
            present,
            None,
            None,
            None,
            biased,
            unanimous=True,
            quorum_stated=draw(st.booleans()),
        )
    yes = draw(st.integers(0, present - biased))
    no = draw(st.integers(0, present - biased - yes))
    abstain = draw(st.integers(0, present - biased - yes - no))
    return VoteInput(members, present, yes, no, abstain, biased)


rules_strategy = st.builds(
    lambda n, d, tie, abst: VoteRules(n, d, tie, abst),
    st.integers(0, 4),
    st.integers(5, 6),
    st.booleans(),
    st.booleans(),
)


@given(valid_votes(), rules_strategy)
def test_passing_needs_quorum_and_a_majority(vote: VoteInput, rules: VoteRules) -> None:
    result = evaluate(vote, rules)

    assert result.passed is (result.outcome == "angenommen")
    assert result.quorate is (result.outcome != "nicht_beschlussfaehig")
    if result.passed:
        assert result.quorate
        if vote.yes is not None and vote.no is not None:
            assert vote.yes > vote.no or (vote.yes == vote.no and not rules.tie_rejects)


@given(valid_votes())
def test_default_rules_pass_only_with_more_yes_than_no(vote: VoteInput) -> None:
    result = evaluate(vote)

    if result.passed:
        assert result.quorate
        assert vote.unanimous or (vote.yes or 0) > (vote.no or 0)
