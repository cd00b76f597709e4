"""Answers read from domain objects: `read_shape` (and `Output.of`) take each field from the
first source that has it, under the name it is read by, unless it is given outright."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import Field, ValidationError

from prism.schemas import Output, read_shape


class RateShape(Output):
    won: int
    rate: float | None = Field(validation_alias="value")


class Answer(Output):
    id: int
    title: str
    count: int
    rate: RateShape


@dataclass
class Thing:
    id: int
    title: str
    count: int


@dataclass
class Worked:
    count: int
    rate: object


@dataclass
class Rate:
    won: int
    value: float | None


def test_first_source_wins_and_given_fields_win_over_all() -> None:
    thing, worked = Thing(1, "Vault", 99), Worked(3, Rate(2, 0.5))
    assert Answer.of(worked, thing).count == 3
    assert Answer.of(thing, worked).count == 99
    answer = Answer.of(thing, worked, title="Given")
    assert (answer.id, answer.title, answer.rate.rate) == (1, "Given", 0.5)


def test_a_field_read_under_another_name_reads_that_name() -> None:
    assert read_shape(RateShape, Rate(4, 0.25)) == RateShape(won=4, value=0.25)


def test_a_field_no_source_has_is_an_error_not_a_default() -> None:
    with pytest.raises(ValidationError, match="count"):
        Answer.of(Rate(1, 0.5), id=1, title="Vault", rate=Rate(1, 0.5))


def test_an_id_is_written_in_plain_digits_within_the_column_s_range() -> None:
    from prism.schemas import MAX_ID, as_id

    assert as_id("42") == 42 and as_id(" 7 ") == 7 and as_id(str(MAX_ID)) == MAX_ID
    for not_an_id in (
        "²",
        "٣",
        "0",
        "-3",
        "4.0",
        "",
        "1e3",
        str(MAX_ID + 1),
        "\uff14\uff12",
    ):  # fullwidth 42
        assert as_id(not_an_id) is None, not_an_id
