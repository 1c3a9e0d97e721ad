"""All models, imported here so metadata is complete for Alembic and tests."""

from app.models.attachment import Attachment
from app.models.base import Base
from app.models.baseline import ConfigurationBaseline
from app.models.calendar import OfficeHours, RegionalDay
from app.models.capacity import (
    CapacityLevel,
    CapacityMeasurement,
    CapacityMetric,
    CapacityThreshold,
    IntegrationToken,
)
from app.models.change_stamp import ChangeStamp
from app.models.comment import Comment, CommentAttachment, Visibility
from app.models.configuration import (
    ConfigurationItem,
    ConfigurationItemAdministrator,
    ConfigurationItemCase,
    ConfigurationItemHistory,
    ConfigurationItemLabel,
    ConfigurationItemService,
    ConfigurationItemType,
    ConfigurationLicence,
    ConfigurationRelation,
    ConfigurationRelationHistory,
    ItemStatus,
    RelationType,
)
from app.models.continuity import ContinuityPlan, ContinuityTraining, RecoveryOption
from app.models.delegation import Delegation
from app.models.document import SlaDocument
from app.models.draft import FormFile, ModelDraft
from app.models.event import Event
from app.models.instance import OPEN_STATUSES, Instance, InstanceStatus, ReferenceSequence
from app.models.known_error import KnownError
from app.models.notification import Notification
from app.models.org import (
    REQUESTER_LANE,
    Agency,
    RequestType,
    Role,
    RoleName,
    Service,
)
from app.models.process_model import ProcessFile, ProcessModel, ProcessModelVersion
from app.models.reference import ReferenceTable
from app.models.schedule import Schedule
from app.models.search import SearchDocument
from app.models.setting import ProcessSetting
from app.models.task import Task, TaskState
from app.models.user import RoleAssignment, SignInFailure, User

__all__ = [
    "ContinuityPlan",
    "SlaDocument",
    "ContinuityTraining",
    "RecoveryOption",
    "ConfigurationBaseline",
    "CapacityLevel",
    "CapacityMeasurement",
    "CapacityMetric",
    "CapacityThreshold",
    "IntegrationToken",
    "OPEN_STATUSES",
    "REQUESTER_LANE",
    "Agency",
    "Attachment",
    "Base",
    "ChangeStamp",
    "Comment",
    "CommentAttachment",
    "ConfigurationItem",
    "ConfigurationItemAdministrator",
    "ConfigurationItemCase",
    "ConfigurationItemHistory",
    "ConfigurationItemLabel",
    "ConfigurationItemService",
    "ConfigurationItemType",
    "ConfigurationLicence",
    "ConfigurationRelation",
    "ConfigurationRelationHistory",
    "Delegation",
    "Event",
    "FormFile",
    "Instance",
    "InstanceStatus",
    "ItemStatus",
    "KnownError",
    "ModelDraft",
    "Notification",
    "OfficeHours",
    "ProcessFile",
    "ProcessModel",
    "ProcessModelVersion",
    "ProcessSetting",
    "ReferenceSequence",
    "ReferenceTable",
    "RelationType",
    "RegionalDay",
    "RequestType",
    "Role",
    "RoleAssignment",
    "RoleName",
    "Schedule",
    "SearchDocument",
    "Service",
    "SignInFailure",
    "Task",
    "TaskState",
    "User",
    "Visibility",
]
