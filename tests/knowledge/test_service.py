"""The knowledge core's service: lifecycle, versions, links, freshness and permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Conflict, Forbidden, Invalid, NotFound
from prism.knowledge import freshness, history, service
from prism.knowledge.models import Status
from prism.knowledge.schemas import ItemIn, ItemUpdate, LinkIn
from prism.knowledge.service import ItemFilter
from tests.conftest import Cast
from tests.knowledge.factories import make_item


def test_a_contributor_proposes_and_an_editor_publishes(session: Session, cast: Cast) -> None:
    now = utcnow()
    draft = service.create_item(
        session, cast.seller, "faq", ItemIn(title="Does Pulse run on-prem?"), now=now
    )
    assert draft.status == Status.DRAFT and draft.owner_id == cast.seller.id
    with pytest.raises(Forbidden):
        service.transition(
            session, cast.seller, draft.id, "publish", version=draft.version, now=now
        )
    submitted = service.transition(
        session, cast.seller, draft.id, "submit", version=draft.version, now=now
    )
    assert submitted.status == Status.IN_REVIEW
    published = service.transition(
        session, cast.editor, draft.id, "publish", version=submitted.version, now=now
    )
    assert published.status == Status.PUBLISHED and published.published_at == now
    # Once published, the contributor no longer changes it; an editor does.
    with pytest.raises(Forbidden):
        service.update_item(
            session,
            cast.seller,
            draft.id,
            ItemUpdate(version=published.version, title="x"),
            now=now,
        )


def test_drafts_are_invisible_to_others_without_the_right_role(
    session: Session, cast: Cast
) -> None:
    draft = make_item(session, "faq", actor=cast.seller, publish=False, title="Secret draft")
    assert service.get_item(session, cast.seller, draft.id).id == draft.id
    assert service.get_item(session, cast.editor, draft.id).id == draft.id
    for reader in (cast.csm, cast.pm):
        with pytest.raises(NotFound):
            service.get_item(session, reader, draft.id)
        titles = [i.title for i in service.list_items(session, reader, ItemFilter()).items]
        assert "Secret draft" not in titles
    with pytest.raises(Forbidden):
        service.get_item(session, cast.outsider, draft.id)


def test_a_stale_edit_is_refused_and_nothing_changes(session: Session, cast: Cast) -> None:
    item = make_item(session, "faq", title="Original")
    now, seen = utcnow(), item.version
    service.update_item(
        session, cast.editor, item.id, ItemUpdate(version=seen, title="First"), now=now
    )
    with pytest.raises(Conflict):
        service.update_item(
            session, cast.editor, item.id, ItemUpdate(version=seen, title="Second"), now=now
        )
    assert service.get_item(session, cast.editor, item.id).title == "First"


def test_history_diffs_and_restores(session: Session, cast: Cast) -> None:
    now = utcnow()
    item = make_item(
        session, "battlecard", title="Vs Acme", fields={"why_we_win": ["Faster setup"]}
    )
    assert item.version == 2  # created, then published
    edited = service.update_item(
        session,
        cast.editor,
        item.id,
        ItemUpdate(
            version=item.version, title="Versus Acme", fields={"why_we_win": ["Setup in a day"]}
        ),
        now=now,
    )
    numbers = [v.number for v in history.versions(session, item.id)]
    assert numbers == [3, 2, 1]
    changes = history.diff(
        "battlecard",
        history.get_version(session, item.id, 2).snapshot,
        history.get_version(session, item.id, 3).snapshot,
    )
    by_field = {c.field: c for c in changes}
    assert by_field["Title"].before == "Vs Acme" and by_field["Title"].after == "Versus Acme"
    assert by_field["Why we win"].segments == [
        ("removed", "Faster setup"),
        ("added", "Setup in a day"),
    ]
    restored = service.restore_version(
        session, cast.editor, item.id, 1, version=edited.version, now=now
    )
    assert restored.title == "Vs Acme" and restored.fields["why_we_win"] == ["Faster setup"]
    assert restored.status == Status.PUBLISHED
    assert history.versions(session, item.id)[0].note == "Restored version 1"


@pytest.mark.parametrize(
    ("before", "after", "segments"),
    [
        (
            "Uptime 99.99% guaranteed",
            "Uptime 99.95% guaranteed",
            [
                ("same", "Uptime "),
                ("removed", "99.99% "),
                ("added", "99.95% "),
                ("same", "guaranteed"),
            ],
        ),
        (
            "Churn falls 15% on average across the year",
            "Churn falls 18 percent on average",
            [
                ("same", "Churn falls "),
                ("removed", "15% "),
                ("added", "18 percent "),
                ("same", "on average "),
                ("removed", "across the year"),
            ],
        ),
    ],
)
def test_a_diff_replaces_whole_words(
    before: str, after: str, segments: list[tuple[str, str]]
) -> None:
    [change] = history.diff("faq", {"summary": before}, {"summary": after})
    assert change.segments == segments


def test_typed_fields_and_links_are_checked(session: Session, cast: Cast) -> None:
    now = utcnow()
    with pytest.raises(Invalid, match=r"fields\.status"):
        service.create_item(
            session, cast.editor, "feature", ItemIn(title="x", fields={"status": "gone"}), now=now
        )
    with pytest.raises(Invalid, match="exactly one product"):
        service.create_item(session, cast.editor, "feature", ItemIn(title="x"), now=now)
    faq = make_item(session, "faq")
    with pytest.raises(Invalid, match="Cites proof"):
        service.create_item(
            session,
            cast.editor,
            "solution",
            ItemIn(title="x", links=[LinkIn(relation="proof", target_id=faq.id)]),
            now=now,
        )


def test_an_item_citing_a_stale_proof_point_is_stale_with_the_reason(
    session: Session, cast: Cast
) -> None:
    proof = make_item(session, "proof_point", title="99.99% uptime", verify_every_days=30)
    value = make_item(session, "value_proposition", title="Always on", links=[("proof", proof.id)])
    solution = make_item(
        session, "solution", title="Retail uptime", links=[("value_proposition", value.id)]
    )
    unrelated = make_item(session, "faq", title="Unrelated")
    later = utcnow() + timedelta(days=31)
    reasons = freshness.stale_reasons(session, later)
    assert "Not verified" in reasons[proof.id][0]
    assert "99.99% uptime" in reasons[value.id][0]
    assert "99.99% uptime" in reasons[solution.id][0]
    assert unrelated.id not in reasons
    service.verify(
        session,
        cast.editor,
        proof.id,
        version=service.get_item(session, SYSTEM, proof.id).version,
        now=later,
    )
    assert freshness.stale_reasons(session, later) == {}
    queue = freshness.health_queue(session, cast.editor, utcnow() + timedelta(days=200))
    assert {s.item.id for s in queue} >= {proof.id, value.id, solution.id, unrelated.id}
