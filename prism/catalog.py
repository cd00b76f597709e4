"""Every table and every background job Prism has, imported in one place.

Migrations, the app factory, the CLI and the worker import this module so that all models are
mapped, the audit capture and the epochs (credentials, analytics) are listening, so a change
made by any process moves them, and every job is registered before anything runs.
"""

from prism.accounts.models import Account, IdealProfile
from prism.analytics import answers as analytics_answers
from prism.analytics.models import DealTouch, UsageEvent
from prism.answers import tasks as answer_tasks
from prism.answers.models import Questionnaire, QuestionnaireProduct, QuestionnaireQuestion
from prism.audit import service as audit_service
from prism.audit.models import AuditEvent
from prism.auth import remember as auth_remember
from prism.auth import tasks as auth_tasks
from prism.auth.models import ApiToken, LoginFailure, WebSession
from prism.crm.models import CrmMapping
from prism.db import Base
from prism.deals.models import Deal, DealFocus
from prism.feedback import tasks as feedback_tasks
from prism.feedback.models import FeedbackItem, FeedbackSettings, FeedbackTheme, StatusChange
from prism.jobs.models import Job
from prism.knowledge import tasks as knowledge_tasks
from prism.knowledge.models import (
    Facet,
    Item,
    ItemFacet,
    ItemFile,
    ItemLink,
    ItemVersion,
    StaleNotice,
)
from prism.launches import tasks as launch_tasks
from prism.launches.models import (
    BetaCustomer,
    BetaFeedback,
    BomItem,
    Checkpoint,
    CheckpointResult,
    Launch,
    LaunchFeature,
    LaunchTeam,
    Measurement,
    Metric,
    StageChange,
    TierDeliverable,
    TierGate,
)
from prism.notifications.models import Notification
from prism.people.models import Team, User
from prism.pricing.models import Holding, PlannedMove, Price, PriceBand, PriceBook
from prism.render.models import Rendition, Theme
from prism.roadmap.models import Capability, EnablementRequest
from prism.search.models import Embedding, SearchMiss, SearchTerm
from prism.shares.models import ShareLink, ShareLinkItem, ShareView
from prism.toolkits import tasks as toolkit_tasks
from prism.toolkits.models import KitRule, Toolkit, ToolkitEntry
from prism.training import tasks as training_tasks
from prism.training.models import (
    Answer,
    Assignment,
    Attempt,
    Certification,
    Invitation,
    LiveSession,
    Module,
    ModuleItem,
    ModuleTeam,
    Question,
    Survey,
    SurveyRecipient,
    SurveyResponse,
    SurveyTeam,
)
from prism.webhooks import tasks as webhook_tasks
from prism.webhooks.models import Delivery, Webhook

__all__ = [
    "Account",
    "Answer",
    "ApiToken",
    "Assignment",
    "Attempt",
    "AuditEvent",
    "Base",
    "BetaCustomer",
    "BetaFeedback",
    "BomItem",
    "Capability",
    "Certification",
    "Checkpoint",
    "CheckpointResult",
    "CrmMapping",
    "Deal",
    "DealFocus",
    "DealTouch",
    "Delivery",
    "Embedding",
    "EnablementRequest",
    "Facet",
    "FeedbackItem",
    "FeedbackSettings",
    "FeedbackTheme",
    "Holding",
    "IdealProfile",
    "Invitation",
    "Item",
    "ItemFacet",
    "ItemFile",
    "ItemLink",
    "ItemVersion",
    "Job",
    "KitRule",
    "Launch",
    "LaunchFeature",
    "LaunchTeam",
    "LiveSession",
    "LoginFailure",
    "Measurement",
    "Metric",
    "Module",
    "ModuleItem",
    "ModuleTeam",
    "Notification",
    "PlannedMove",
    "Price",
    "PriceBand",
    "PriceBook",
    "Question",
    "Questionnaire",
    "QuestionnaireProduct",
    "QuestionnaireQuestion",
    "Rendition",
    "SearchMiss",
    "SearchTerm",
    "ShareLink",
    "ShareLinkItem",
    "ShareView",
    "StageChange",
    "StaleNotice",
    "StatusChange",
    "Survey",
    "SurveyRecipient",
    "SurveyResponse",
    "SurveyTeam",
    "Team",
    "Theme",
    "TierDeliverable",
    "TierGate",
    "Toolkit",
    "ToolkitEntry",
    "UsageEvent",
    "User",
    "WebSession",
    "Webhook",
    "analytics_answers",
    "answer_tasks",
    "audit_service",
    "auth_remember",
    "auth_tasks",
    "feedback_tasks",
    "knowledge_tasks",
    "launch_tasks",
    "toolkit_tasks",
    "training_tasks",
    "webhook_tasks",
]
