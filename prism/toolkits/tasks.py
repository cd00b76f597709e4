"""Background work for toolkits: render ahead what a kit's zip will hold, so the seller's
download is quick even for a kit whose one-pagers were never rendered."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from prism.auth.policy import Principal
from prism.db import utcnow
from prism.filestore import LocalFileStore, file_store
from prism.jobs.service import Progress, enqueue, job
from prism.settings import Settings
from prism.toolkits import assemble, package
from prism.toolkits.models import Toolkit

PREPARE = "toolkits.prepare_files"


@job(PREPARE)
def prepare_files(session: Session, progress: Progress, kit_id: int, files_dir: str) -> str:
    """Render every file of the kit's zip that is missing or outdated."""

    def made(done: int, total: int) -> None:
        session.commit()  # each output is kept as soon as it is made
        progress(done / total, f"{done} of {total}")

    store = LocalFileStore(Path(files_dir))
    count = package.prepare(session, kit_id, store=store, now=utcnow(), made=made)
    return f"Prepared {count} files for toolkit {kit_id}."


def build_and_prepare(
    session: Session, actor: Principal, deal_id: int, *, settings: Settings, now: datetime
) -> Toolkit:
    """Build the deal's kit with the settings' limits, and queue its files to be rendered ahead
    (the job runs once this unit of work commits)."""
    kit = assemble.build_for_deal(
        session,
        actor,
        deal_id,
        small=assemble.SmallDeal.from_settings(settings),
        store=file_store(settings),
        now=now,
    )
    enqueue(session, PREPARE, actor=actor, kit_id=kit.id, files_dir=str(settings.files_dir))
    return kit
