"""Every table and every background job Prism has, imported in one place.

Migrations, the app factory, the CLI and the worker import this module so that all models are
mapped, the audit capture is listening and every job is registered before anything runs.
"""

from prism.audit import service as audit_service
from prism.audit.models import AuditEvent
from prism.auth import tasks as auth_tasks
from prism.auth.models import ApiToken, LoginFailure, WebSession
from prism.db import Base
from prism.deals.models import Deal, DealFocus
from prism.jobs.models import Job
from prism.knowledge.models import (
    Embedding,
    Facet,
    Item,
    ItemFacet,
    ItemFile,
    ItemLink,
    ItemVersion,
    SearchMiss,
    SearchTerm,
)
from prism.people.models import Team, User
from prism.render.models import Rendition, Theme
from prism.shares.models import ShareLink, ShareLinkItem, ShareView
from prism.toolkits import tasks as toolkit_tasks
from prism.toolkits.models import KitRule, Toolkit, ToolkitEntry

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Deal",
    "DealFocus",
    "Embedding",
    "Facet",
    "Item",
    "ItemFacet",
    "ItemFile",
    "ItemLink",
    "ItemVersion",
    "Job",
    "KitRule",
    "LoginFailure",
    "Rendition",
    "SearchMiss",
    "SearchTerm",
    "ShareLink",
    "ShareLinkItem",
    "ShareView",
    "Team",
    "Theme",
    "Toolkit",
    "ToolkitEntry",
    "User",
    "WebSession",
    "audit_service",
    "auth_tasks",
    "toolkit_tasks",
]
