"""Imports every domain's models, so Alembic and the session know all tables."""

from mentorhub.about.models import AccessibilityFeedback  # noqa: F401
from mentorhub.accounts.models import Invitation, PasswordReset, User, UserRole  # noqa: F401
from mentorhub.audit import AuditEntry  # noqa: F401
from mentorhub.chat.models import Message, MessageReport, ReadPosition  # noqa: F401
from mentorhub.concerns.models import Concern, ConcernEvent  # noqa: F401
from mentorhub.goals.models import BuildUpSummary, CheckIn, Goal, GoalEvent  # noqa: F401
from mentorhub.jobs.models import FailedJob, ScheduledRun  # noqa: F401
from mentorhub.mail import OutboxMail  # noqa: F401
from mentorhub.matching.models import (  # noqa: F401
    Match,
    MatchingRun,
    MentorOffer,
    MentorOfferSlot,
    MentorOfferSubject,
)
from mentorhub.meetings.models import Attendance, CalendarFeed, Meeting, MeetingSeries  # noqa: F401
from mentorhub.nominations.models import (  # noqa: F401
    Nomination,
    NominationEvent,
    NominationSlot,
    NominationSubject,
)
from mentorhub.notifications.models import Notification  # noqa: F401
from mentorhub.problems.models import (  # noqa: F401
    Attempt,
    HintReveal,
    LevelChange,
    PostTarget,
    Problem,
    ProblemHint,
    ProblemPost,
)
from mentorhub.programme.models import School, SubjectArea, Term  # noqa: F401
from mentorhub.progress.models import FlagAcknowledgement  # noqa: F401
from mentorhub.pupils.models import PupilLevel, PupilProfile, PupilSlot, StaffLink  # noqa: F401
from mentorhub.rooms.models import Room, RoomMember  # noqa: F401
from mentorhub.uploads.models import ChatImage  # noqa: F401
