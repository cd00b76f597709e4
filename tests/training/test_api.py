"""The training API and pages for every role: who writes and assigns modules, who takes them,
who sees whose answers, bad input, CSV export, and a seller's quiz through the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.db import utcnow
from prism.training.models import Attempt
from tests.conftest import ROLES, Cast, bearer, make_team
from tests.training.factories import QUIZ, make_module, right_answers
from tests.web.test_pages import csrf_from, sign_in

MANAGING = {"admin", "editor"}
LEARNING = {"admin", "editor", "seller", "csm"}
QUESTIONS = [
    {
        "kind": "single",
        "prompt": "DSAR means?",
        "choices": ["Data subject access request", "Other"],
        "correct": [0],
    },
    {
        "kind": "true_false",
        "prompt": "Agents needed.",
        "choices": ["True", "False"],
        "correct": [1],
    },
]


@pytest.mark.parametrize("who", ROLES)
def test_only_the_enablement_team_writes_modules_and_active_people_take_them(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    headers = bearer(session, getattr(cast, who))
    made = client.post("/api/v1/training/modules", json={"title": f"By {who}"}, headers=headers)
    assert made.status_code == (201 if who in MANAGING else 403), made.text
    module = make_module(session, title="Published one")
    session.commit()
    listed = client.get("/api/v1/training/modules", headers=headers)
    assert listed.status_code == (401 if who == "outsider" else 200)
    started = client.post(f"/api/v1/training/modules/{module.id}/attempts", headers=headers)
    assert started.status_code == (201 if who in LEARNING else 401 if who == "outsider" else 403)


def test_a_learner_never_receives_the_answers_before_submitting(
    client: TestClient, session: Session, cast: Cast
) -> None:
    module = make_module(session, certifying=True)
    session.commit()
    headers = bearer(session, cast.seller)
    detail = client.get(f"/api/v1/training/modules/{module.id}", headers=headers).json()
    assert detail["questions"] is None and detail["question_count"] == 5
    attempt = client.post(f"/api/v1/training/modules/{module.id}/attempts", headers=headers).json()
    assert "correct" not in str(attempt["questions"]) and attempt["marks"] is None
    assert "explanation" not in str(attempt["questions"])
    key = {
        q["prompt"]: q
        for q in client.get(
            f"/api/v1/training/modules/{module.id}", headers=bearer(session, cast.editor)
        ).json()["questions"]
    }
    answers = {str(q["id"]): key[q["prompt"]]["correct"] for q in attempt["questions"]}
    done = client.post(
        f"/api/v1/training/attempts/{attempt['id']}/answers",
        json={"answers": answers},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["passed"] and body["score"] == 1 and body["certification_id"]
    assert all(m["right"] and m["correct"] for m in body["marks"])
    again = client.post(
        f"/api/v1/training/attempts/{attempt['id']}/answers",
        json={"answers": answers},
        headers=headers,
    )
    assert again.status_code == 409
    for who, status in (("csm", 404), ("editor", 404), ("admin", 200), ("seller", 200)):
        seen = client.get(
            f"/api/v1/training/attempts/{attempt['id']}",
            headers=bearer(session, getattr(cast, who)),
        )
        assert seen.status_code == status, who
    pdf = client.get(
        f"/api/v1/training/certifications/{body['certification_id']}/certificate.pdf",
        headers=headers,
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        client.get(
            f"/api/v1/training/certifications/{body['certification_id']}",
            headers=bearer(session, cast.csm),
        ).status_code
        == 404
    )


def test_bad_input_is_answered_clearly(client: TestClient, session: Session, cast: Cast) -> None:
    editor = bearer(session, cast.editor)
    made = client.post("/api/v1/training/modules", json={"title": "Quiz me"}, headers=editor).json()
    bad = [{**QUESTIONS[0], "correct": [0, 1]}]
    answer = client.put(
        f"/api/v1/training/modules/{made['id']}/quiz",
        json={"version": made["version"], "questions": bad},
        headers=editor,
    )
    assert answer.status_code == 422 and "exactly one right choice" in answer.text
    publish = client.patch(
        f"/api/v1/training/modules/{made['id']}",
        json={"version": made["version"], "status": "published"},
        headers=editor,
    )
    assert publish.status_code == 409 and "quiz" in publish.json()["detail"]
    due = (utcnow().date() - timedelta(days=1)).isoformat()
    module = make_module(session)
    session.commit()
    past = client.post(
        "/api/v1/training/assignments",
        json={"module_id": module.id, "team_ids": [make_team(session).id], "due_on": due},
        headers=editor,
    )
    assert past.status_code == 422 and "due date has passed" in past.text
    nobody = client.post(
        "/api/v1/training/assignments", json={"module_id": module.id, "due_on": due}, headers=editor
    )
    assert nobody.status_code == 422


def test_assigning_twice_is_a_conflict_and_the_queue_shows_it(
    client: TestClient, session: Session, cast: Cast
) -> None:
    module = make_module(session)
    sales = make_team(session, "Sales")
    session.commit()
    editor = bearer(session, cast.editor)
    due = (utcnow().date() + timedelta(days=3)).isoformat()
    data = {"module_id": module.id, "team_ids": [sales.id], "due_on": due}
    assert client.post("/api/v1/training/assignments", json=data, headers=editor).status_code == 201
    assert client.post("/api/v1/training/assignments", json=data, headers=editor).status_code == 409
    queue = client.get("/api/v1/training/queue", headers=bearer(session, cast.seller)).json()
    queue = queue["items"]
    assert [(q["module"]["id"], q["state"]) for q in queue] == [(module.id, "to_do")]
    other = client.get(
        f"/api/v1/training/queue?user_id={cast.csm.id}", headers=bearer(session, cast.seller)
    )
    assert other.status_code == 404


def test_readiness_exports_csv(client: TestClient, session: Session, cast: Cast) -> None:
    answer = client.get(
        "/api/v1/training/readiness/teams.csv", headers=bearer(session, cast.editor)
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0] == "name,people,assigned,completed,overdue,certified,average_score"
    assert any(line.startswith("Sales,1,") for line in lines)
    mine = client.get(
        "/api/v1/training/readiness/people", headers=bearer(session, cast.seller)
    ).json()["items"]
    assert [r["label"] for r in mine] == [cast.seller.name]


def test_a_viewer_answers_a_survey_sent_to_their_department(
    client: TestClient, session: Session, cast: Cast
) -> None:
    editor = bearer(session, cast.editor)
    survey = client.post(
        "/api/v1/training/surveys", json={"title": "Awareness"}, headers=editor
    ).json()
    put = client.put(
        f"/api/v1/training/surveys/{survey['id']}/questions",
        json={"version": survey["version"], "questions": QUESTIONS},
        headers=editor,
    )
    assert put.status_code == 200, put.text
    version = client.get(f"/api/v1/training/surveys/{survey['id']}", headers=editor).json()[
        "version"
    ]
    product = make_team(session, "Product")
    session.commit()
    sent = client.post(
        f"/api/v1/training/surveys/{survey['id']}/send",
        json={"version": version, "team_ids": [product.id]},
        headers=editor,
    )
    assert sent.status_code == 200, sent.text
    pm = bearer(session, cast.pm)
    form = client.get(f"/api/v1/training/surveys/{survey['id']}/form", headers=pm).json()["items"]
    assert "correct" not in str(form)
    assert (
        client.get(f"/api/v1/training/surveys/{survey['id']}/questions", headers=pm).status_code
        == 403
    )
    answers = {str(form[0]["id"]): [0], str(form[1]["id"]): [0]}
    marks = client.post(
        f"/api/v1/training/surveys/{survey['id']}/responses", json={"answers": answers}, headers=pm
    )
    assert marks.status_code == 201 and [m["right"] for m in marks.json()] == [True, False]
    results = client.get(f"/api/v1/training/surveys/{survey['id']}/results", headers=editor).json()
    assert results["departments"][0]["score"] == 0.5
    assert results["weakest"][0]["prompt"] == "Agents needed."
    seller = client.post(
        f"/api/v1/training/surveys/{survey['id']}/responses",
        json={"answers": answers},
        headers=bearer(session, cast.seller),
    )
    assert seller.status_code == 404


def test_team_leads_are_set_by_admins(client: TestClient, session: Session, cast: Cast) -> None:
    sales = make_team(session, "Sales")
    session.commit()
    admin = bearer(session, cast.admin)
    done = client.patch(
        f"/api/v1/teams/{sales.id}",
        json={"version": sales.version, "lead_id": cast.seller.id},
        headers=admin,
    )
    assert done.status_code == 200 and done.json()["lead_id"] == cast.seller.id
    gone = client.patch(
        f"/api/v1/teams/{sales.id}",
        json={"version": done.json()["version"], "lead_id": cast.outsider.id},
        headers=admin,
    )
    assert gone.status_code == 422


def test_a_seller_takes_a_quiz_through_the_pages(
    client: TestClient, session: Session, cast: Cast
) -> None:
    module = make_module(session, title="Vault basics", certifying=True, quiz=QUIZ)
    session.commit()
    sign_in(client, cast.seller.email)
    page = client.get(f"/training/modules/{module.id}")
    started = client.post(
        f"/training/modules/{module.id}/attempts", data={"csrf_token": csrf_from(page.text)}
    )
    assert started.status_code == 200 and "Submit answers" in started.text
    assert "Why:" not in started.text and "GDPR article 15" not in started.text
    action = re.search(r'action="/training/attempts/(\d+)"', started.text)
    assert action
    attempt = session.get_one(Attempt, int(action.group(1)))
    answers = right_answers(session, attempt).answers
    data = {
        "csrf_token": csrf_from(started.text),
        **{f"q{q}": [str(c) for c in chosen] for q, chosen in answers.items()},
    }
    done = client.post(f"/training/attempts/{attempt.id}", data=data)
    assert "Passed: 100%" in done.text and "See the certificate" in done.text
    assert "GDPR article 15" in done.text
    home = client.get("/training")
    assert "Vault basics" in home.text and "valid until" in home.text


@pytest.mark.parametrize("who", ROLES)
def test_the_enablement_team_schedules_a_live_session_through_the_api(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    module = make_module(session, title="Objection handling")
    session.commit()
    body = {
        "title": "Live: objections",
        "module_id": module.id,
        "starts_at": (utcnow() + timedelta(days=2)).isoformat(),
        "user_ids": [cast.seller.id, cast.csm.id],
    }
    made = client.post(
        "/api/v1/training/live-sessions", json=body, headers=bearer(session, getattr(cast, who))
    )
    assert made.status_code == (201 if who in MANAGING else 403), made.text
    if made.status_code == 201:
        found = made.json()
        assert found["module"] == {"id": module.id, "title": "Objection handling"}
        assert found["host"]["id"] == getattr(cast, who).id
        assert {i["user"]["id"] for i in found["invitations"]} == {cast.seller.id, cast.csm.id}
        again = client.get(
            f"/api/v1/training/live-sessions/{found['id']}", headers=bearer(session, cast.seller)
        )
        assert again.json()["title"] == "Live: objections"


def test_the_modules_page_narrows_by_launch_and_product(
    client: TestClient, session: Session, cast: Cast
) -> None:
    from tests.launches.factories import make_launch

    launch = make_launch(session)
    make_module(session, title="Ledger certification", launch_id=launch.id)
    make_module(session, title="Negotiation basics")
    session.commit()
    headers = bearer(session, cast.seller)
    everything = client.get("/training/modules", headers=headers).text
    assert "Ledger certification" in everything and "Negotiation basics" in everything
    one = client.get("/training/modules", params={"launch_id": launch.id}, headers=headers).text
    table = one.split("<table", 1)[1]
    assert "Ledger certification" in table and "Negotiation basics" not in table
    assert "1 shown of 1" in one
    # A filter that is not an id is no filter, not an error.
    assert client.get("/training/modules?launch_id=x", headers=headers).status_code == 200
