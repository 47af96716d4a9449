"""The pure rules of counseling records: what a draft may hold, what a finished record needs, who
may open one, Open311 status, CSV cells and paging. No database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.counseling import (
    MAX_PAGE_SIZE,
    InvalidRecord,
    Outcome,
    Problem,
    RecordInput,
    Viewer,
    check_save,
    completeness_problems,
    csv_cell,
    hard_problems,
    may_open,
    open311_status,
    page_bounds,
)
from scheduler.domain import Role
from scheduler.models import MAX_RECORD_AGENCY_CHARS, MAX_RECORD_SUMMARY_CHARS

TODAY = date(2026, 12, 1)
CATEGORIES = frozenset({"transport", "welfare", "housing", "tax", "other"})


def hard(record: RecordInput, previous: date | None = None) -> dict[str, Problem]:
    return hard_problems(record, categories=CATEGORIES, previous_follow_up=previous, today=TODAY)


def test_an_empty_draft_breaks_no_hard_rule_but_is_incomplete() -> None:
    empty = RecordInput()
    assert hard(empty) == {}
    assert completeness_problems(empty) == {
        "category": Problem.REQUIRED,
        "outcome": Problem.REQUIRED,
    }


def test_a_complete_answered_record() -> None:
    record = RecordInput(category="tax", summary="asked about a tax", outcome=Outcome.ANSWERED)
    assert hard(record) == {}
    assert completeness_problems(record) == {}


def test_lengths_are_bounded() -> None:
    long_summary = RecordInput(summary="가" * (MAX_RECORD_SUMMARY_CHARS + 1))
    assert hard(long_summary) == {"summary": Problem.TOO_LONG}
    assert hard(RecordInput(summary="가" * MAX_RECORD_SUMMARY_CHARS)) == {}
    long_agency = RecordInput(agency="a" * (MAX_RECORD_AGENCY_CHARS + 1))
    assert hard(long_agency) == {"agency": Problem.TOO_LONG}


def test_control_characters_are_refused_but_line_breaks_in_the_summary_are_fine() -> None:
    assert hard(RecordInput(summary="line one\nline two\ttab")) == {}
    assert hard(RecordInput(summary="bell\x07")) == {"summary": Problem.CONTROL_CHARS}
    assert hard(RecordInput(agency="two\nlines")) == {"agency": Problem.CONTROL_CHARS}


def test_an_unknown_category_is_refused() -> None:
    assert hard(RecordInput(category="astrology")) == {"category": Problem.UNKNOWN}


def test_a_new_follow_up_date_must_be_today_or_later() -> None:
    assert hard(RecordInput(outcome=Outcome.FOLLOW_UP, follow_up_date=TODAY)) == {}
    yesterday = TODAY - timedelta(days=1)
    assert hard(RecordInput(outcome=Outcome.FOLLOW_UP, follow_up_date=yesterday)) == {
        "follow_up_date": Problem.IN_THE_PAST
    }


def test_a_follow_up_date_that_has_passed_since_it_was_set_may_stay() -> None:
    last_week = TODAY - timedelta(days=7)
    record = RecordInput(outcome=Outcome.FOLLOW_UP, follow_up_date=last_week)
    assert hard(record, previous=last_week) == {}


def test_referred_needs_an_agency() -> None:
    record = RecordInput(category="welfare", outcome=Outcome.REFERRED)
    assert completeness_problems(record) == {"agency": Problem.REQUIRED}
    done = RecordInput(category="welfare", outcome=Outcome.REFERRED, agency="국민연금공단")
    assert completeness_problems(done) == {}


@pytest.mark.parametrize("outcome", [Outcome.ANSWERED, Outcome.COULD_NOT_HELP, None])
def test_a_follow_up_date_only_for_follow_up_or_referred(outcome: Outcome | None) -> None:
    record = RecordInput(category="tax", outcome=outcome, follow_up_date=TODAY)
    assert completeness_problems(record)["follow_up_date"] is Problem.NOT_FOR_OUTCOME


@pytest.mark.parametrize("outcome", [Outcome.FOLLOW_UP, Outcome.REFERRED])
def test_a_follow_up_date_is_fine_for_dated_outcomes(outcome: Outcome) -> None:
    record = RecordInput(category="tax", outcome=outcome, agency="x", follow_up_date=TODAY)
    assert completeness_problems(record) == {}


def test_an_autosave_keeps_an_incomplete_draft_and_says_what_is_missing() -> None:
    draft = RecordInput(summary="typing", outcome=Outcome.REFERRED)
    missing = check_save(
        draft, final=False, categories=CATEGORIES, previous_follow_up=None, today=TODAY
    )
    assert missing == {"category": Problem.REQUIRED, "agency": Problem.REQUIRED}


def test_a_final_save_refuses_an_incomplete_record() -> None:
    draft = RecordInput(summary="typing", outcome=Outcome.REFERRED)
    with pytest.raises(InvalidRecord) as refused:
        check_save(draft, final=True, categories=CATEGORIES, previous_follow_up=None, today=TODAY)
    assert refused.value.fields == {"category": Problem.REQUIRED, "agency": Problem.REQUIRED}


def test_an_autosave_refuses_a_hard_problem_only() -> None:
    draft = RecordInput(category="nope", summary="x")
    with pytest.raises(InvalidRecord) as refused:
        check_save(draft, final=False, categories=CATEGORIES, previous_follow_up=None, today=TODAY)
    assert refused.value.fields == {"category": Problem.UNKNOWN}


def test_who_may_open_a_record() -> None:
    supervisor = Viewer(1, Role.SUPERVISOR, None)
    staff = Viewer(2, Role.STAFF, None)
    mine = Viewer(3, Role.INTERPRETER, 7)
    unlinked = Viewer(4, Role.INTERPRETER, None)
    assert may_open(supervisor, 7) and may_open(supervisor, None)
    assert not may_open(staff, 7)
    assert may_open(mine, 7)
    assert not may_open(mine, 8)
    assert not may_open(mine, None)
    assert not may_open(unlinked, None)


def test_open311_status() -> None:
    assert open311_status("answered", True) == "closed"
    assert open311_status("referred", True) == "closed"
    assert open311_status("could_not_help", True) == "closed"
    assert open311_status("follow_up", True) == "open"
    assert open311_status("answered", False) == "open"
    assert open311_status(None, False) == "open"


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"])
def test_csv_cells_never_start_a_formula(text: str) -> None:
    assert csv_cell(text) == "'" + text


def test_csv_cells_of_other_values() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(12.345) == "12.3"
    assert csv_cell(5) == "5"
    assert csv_cell("복지 상담") == "복지 상담"


@given(st.text(max_size=50))
def test_a_csv_cell_starts_with_a_formula_character_only_after_an_apostrophe(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (text, "'" + text)


@given(st.integers(min_value=-5, max_value=10**6), st.integers(min_value=-5, max_value=10**4))
def test_pages_are_bounded(page: int, size: int) -> None:
    offset, limit = page_bounds(page, size)
    assert 1 <= limit <= MAX_PAGE_SIZE
    assert offset >= 0
    assert offset % limit == 0
