"""What a kind of return declares: its models, its subject and lead, its sections, its permissions and the
wording of its emails. An app declares each kind once and registers it (`services.return_kind_register`),
from the module its AppConfig.ready() imports; the services, selectors and emails read the rest from here.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from saferhub.workflow.definitions import TransitionRefused

# The emails to a return's lead: the two reminders (also what a return's `reminders_sent` records) and
# that it was returned to them.
BEFORE, AFTER, RETURNED = "before", "after", "returned"


class ReturnNotAllowed(TransitionRefused):
    """The return is not in a state that allows this; the message says why, for the person."""


@dataclass(frozen=True)
class Section:
    """A section of the return, filled in and saved on its own. It is complete once saved and, when the
    kind gives one, while `check` holds of the return (say, every question of it answered)."""

    name: str
    label: str
    check: Callable[[Any], bool] | None = None

    def is_complete(self, record: Any) -> bool:
        return self.name in record.sections_completed and (self.check is None or self.check(record))


@dataclass(frozen=True)
class ReturnKind:
    """A kind of return: whose it is, what it asks, who may fill it in and decide it, how emails say it.

    `subject_field` is the return's foreign key to its subject (a plan priority, a funded project),
    `lead_path` the lookup from the return to the person it is addressed to ("priority__lead_user"), and
    `step_return_field` the step model's foreign key to the return. `subjects` gives, for a round, the
    subjects it opens a return for. `email_subjects` words each email's subject line, with `{round}` for
    the round's label; the subject's name (its `str`) follows it, and the body is `email_template`'s.
    `page_path` is the path of the return's page, which the emails link to.
    """

    name: str
    # Concrete subclasses of ReportingRoundBase, ReturnBase and ReturnStepBase; typed loosely, as the
    # type checker cannot know the fields (reporting_round, the subject) each kind adds.
    round_model: type[Any]
    return_model: type[Any]
    step_model: type[Any]
    step_return_field: str
    subject_field: str
    lead_path: str
    subjects: Callable[[Any], Iterable[models.Model]]
    sections: tuple[Section, ...]
    edit_permission: str | None
    decide_permission: str | None
    email_subjects: Mapping[str, str]
    page_path: Callable[[Any], str]
    email_template: str = "reporting/email/return.txt"
    noun: str = "return"

    def __post_init__(self) -> None:
        names = [section.name for section in self.sections]
        if len(set(names)) != len(names):
            raise ValueError(f"The {self.name} returns name a section twice: {names}")
        if set(self.email_subjects) != {BEFORE, AFTER, RETURNED}:
            raise ValueError(f"The {self.name} returns word each email: {BEFORE}, {AFTER}, {RETURNED}")

    def section_named(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise ValueError(f"The {self.name} returns have no section '{name}'")

    def missing_sections(self, record: Any) -> list[str]:
        """The labels of the sections not yet complete: a return is submitted only without any."""
        return [section.label for section in self.sections if not section.is_complete(record)]

    def subject_of(self, record: Any) -> Any:
        return getattr(record, self.subject_field)

    def lead_of(self, record: Any) -> Any:
        """The person the return is addressed to, or None."""
        found = record
        for name in self.lead_path.split("__"):
            found = getattr(found, name)
            if found is None:
                return None
        return found


_kinds: dict[type[models.Model], ReturnKind] = {}


def return_kind_add(kind: ReturnKind) -> None:
    """Part of registering a kind (`services.return_kind_register`, which also registers its workflow)."""
    _kinds[kind.return_model] = kind


def return_kind_of(record: models.Model) -> ReturnKind:
    try:
        return _kinds[type(record)]
    except KeyError:
        raise LookupError(
            f"{type(record).__name__} is no kind of return: its app's workflows module registers one"
        ) from None


def return_kinds() -> list[ReturnKind]:
    """Every kind of return the installed apps register, in the order they registered."""
    return list(_kinds.values())


def return_kind_named(name: str) -> ReturnKind:
    for kind in _kinds.values():
        if kind.name == name:
            return kind
    raise LookupError(f"No kind of return is named '{name}'")
