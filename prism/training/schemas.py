"""What the training API takes and gives. A learner's view of a quiz never carries its answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from prism.i18n import _
from prism.schemas import Id, Input, Name, Output, PersonRef, Ref, TeamRef
from prism.training.models import CertificationStatus, ModuleStatus, QuestionKind
from prism.training.quiz import question_problem

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100_000)]
Choice = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Version = Annotated[
    int, Field(description="The version you last read; a stale one is refused with 409.")
]
Ids = Annotated[list[Id], Field(max_length=500)]


class QuestionIn(Input):
    kind: QuestionKind
    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    choices: Annotated[list[Choice], Field(min_length=2, max_length=12)]
    correct: Annotated[
        list[Annotated[int, Field(ge=0)]],
        Field(min_length=1, description="Positions (from 0) of the right choices."),
    ]
    explanation: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    product_id: Id | None = Field(
        default=None, description="For a survey spanning products: the product this one is about."
    )

    @model_validator(mode="after")
    def _makes_a_question(self) -> QuestionIn:
        problem = question_problem(self.kind, self.choices, self.correct)
        if problem:
            raise ValueError(problem)
        return self


class QuizIn(Input):
    version: Version
    questions: Annotated[list[QuestionIn], Field(min_length=1, max_length=100)]


class QuestionOut(Output):
    """A question with its answer, for the people who write quizzes and surveys."""

    id: int
    kind: QuestionKind
    prompt: str
    choices: list[str]
    correct: list[int]
    explanation: str
    product_id: int | None


class ModuleIn(Input):
    title: Name
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    body: Text = Field(default="", description="What to learn, in markdown.")
    product_id: Id | None = None
    launch_id: Id | None = None
    team_ids: Ids = Field(default_factory=list, description="The audience.")
    item_ids: Ids = Field(default_factory=list, description="Library items to study.")
    minutes: Annotated[int, Field(ge=1, le=600)] = 15
    pass_mark: Annotated[int, Field(ge=1, le=100, description="Percent of questions right.")] = 80
    max_attempts: Annotated[int | None, Field(ge=1, le=100)] = 3
    certifying: bool = False
    valid_months: Annotated[int, Field(ge=1, le=60)] = 12


class ModuleUpdate(Input):
    version: Version
    title: Name | None = None
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
    body: Text | None = None
    status: ModuleStatus | None = None
    product_id: Id | None = None
    launch_id: Id | None = None
    team_ids: Ids | None = None
    item_ids: Ids | None = None
    minutes: Annotated[int, Field(ge=1, le=600)] | None = None
    pass_mark: Annotated[int, Field(ge=1, le=100)] | None = None
    max_attempts: Annotated[int | None, Field(ge=1, le=100)] = None
    certifying: bool | None = None
    valid_months: Annotated[int, Field(ge=1, le=60)] | None = None


class ModuleOut(Output):
    id: int
    title: str
    summary: str
    body: str
    status: ModuleStatus
    product: Ref | None
    launch: Ref | None
    teams: list[TeamRef]
    minutes: int
    pass_mark: int
    max_attempts: int | None
    certifying: bool
    valid_months: int
    version: int


class ModuleDetailOut(ModuleOut):
    items: list[Ref]
    question_count: int
    questions: list[QuestionOut] | None = Field(
        description="The quiz with its answers; only for those who may edit it."
    )


class ChoiceOut(Output):
    value: int = Field(description="Send this number back to choose it.")
    text: str


class QuizQuestionOut(Output):
    """A question as a learner sees it: in their order, without the answer."""

    id: int
    kind: QuestionKind
    prompt: str
    choices: list[ChoiceOut]


class MarkOut(Output):
    """One answer after submission: what was chosen, what was right, and why."""

    question_id: int
    prompt: str
    choices: list[str]
    chosen: list[int]
    correct: list[int]
    right: bool
    explanation: str


class AttemptOut(Output):
    id: int
    module: Ref
    learner: PersonRef
    number: int
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    passed: bool | None
    pass_mark: int
    questions: list[QuizQuestionOut]
    marks: list[MarkOut] | None = Field(description="Only once the attempt is submitted.")
    certification_id: int | None = None


class AnswersIn(Input):
    answers: Annotated[
        dict[Id, Annotated[list[Annotated[int, Field(ge=0, le=100)]], Field(max_length=12)]],
        Field(
            max_length=100,
            description="Question id -> the `value`s of the chosen choices. "
            "A question left out counts as wrong.",
        ),
    ]


class AssignmentIn(Input):
    module_id: Id
    team_ids: Ids = Field(default_factory=list)
    user_ids: Ids = Field(default_factory=list)
    due_on: date
    closes_on: date | None = Field(
        default=None, description="After this day the assignment takes no more answers."
    )

    @model_validator(mode="after")
    def _someone(self) -> AssignmentIn:
        if not self.team_ids and not self.user_ids:
            raise ValueError(_("assign the module to at least one team or person"))
        if self.closes_on is not None and self.closes_on < self.due_on:
            raise ValueError(_("an assignment cannot close before it is due"))
        return self


class AssignmentUpdate(Input):
    version: Version
    due_on: date | None = None
    closes_on: date | None = None


class AssignmentOut(Output):
    id: int
    module: Ref
    team: TeamRef | None
    user: PersonRef | None
    due_on: date
    closes_on: date | None
    version: int


class QueueEntryOut(Output):
    """One module a learner has been asked to take, and where they stand."""

    module: Ref
    due_on: date
    closes_on: date | None
    state: str = Field(description="to_do, overdue, closed or done.")
    attempts_used: int
    attempts_left: int | None
    best_score: float | None
    certified_until: date | None


class CertificationOut(Output):
    id: int
    module: Ref
    user: PersonRef
    issued_on: date
    expires_on: date
    status: CertificationStatus
    score: float


class LiveSessionIn(Input):
    title: Name
    module_id: Id | None = None
    starts_at: datetime
    minutes: Annotated[int, Field(ge=5, le=600)] = 60
    location: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    team_ids: Ids = Field(default_factory=list, description="Invite everyone in these teams.")
    user_ids: Ids = Field(default_factory=list, description="Invite these people too.")


class AttendanceIn(Input):
    version: Version
    attended_ids: Ids = Field(description="Everyone invited who came; the others missed it.")


class InviteeOut(Output):
    user: PersonRef
    attended: bool | None


class LiveSessionOut(Output):
    id: int
    title: str
    module: Ref | None
    starts_at: datetime
    minutes: int
    location: str
    host: PersonRef | None
    invitations: list[InviteeOut]
    version: int


class SurveyIn(Input):
    title: Name
    intro: Text = ""
    product_id: Id | None = Field(default=None, description="None: across products.")
    anonymous: bool = False


class SendIn(Input):
    version: Version
    team_ids: Annotated[list[Id], Field(min_length=1, max_length=100)]
    closes_on: date | None = None


class SurveyOut(Output):
    id: int
    title: str
    intro: str
    product: Ref | None
    anonymous: bool
    sent_at: datetime | None
    closes_on: date | None
    closed_at: datetime | None
    teams: list[TeamRef]
    version: int


class SurveyQuestionOut(Output):
    """A survey question as a respondent sees it: without the answer."""

    id: int
    kind: QuestionKind
    prompt: str
    choices: list[ChoiceOut]


class DepartmentScoreOut(Output):
    team: TeamRef | None
    recipients: int
    responses: int
    score: float | None = Field(description="None when too few answered to show it anonymously.")
    previous: float | None = Field(description="The same department in the previous survey.")


class ProductScoreOut(Output):
    product: Ref | None
    team: TeamRef | None
    score: float
    answers: int


class WeakQuestionOut(Output):
    question_id: int
    prompt: str
    product: Ref | None
    answered: int
    right_share: float
    common_wrong: str | None = Field(description="The wrong choice picked most often.")
    explanation: str


class SurveyResultsOut(Output):
    survey: SurveyOut
    previous: Ref | None = Field(description="The earlier survey the scores are compared with.")
    departments: list[DepartmentScoreOut]
    products: list[ProductScoreOut]
    weakest: list[WeakQuestionOut]


class ReadinessOut(Output):
    """Progress on training: for a person, a team, or the people a launch must ready."""

    label: str
    people: int
    assigned: int
    completed: int
    overdue: int
    certified: int
    average_score: float | None


class LaunchReadinessOut(Output):
    launch: Ref
    modules: list[Ref]
    people: int
    certified: int
    rate: float | None = Field(description="The share certified; None with no certifying module.")
    rows: list[ReadinessOut]
