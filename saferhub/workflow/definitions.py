"""How a record's lifecycle is declared: its transitions as a table, registered for its model.

An app declares each workflow once, in its own `workflows.py`, and registers it with `workflow_register`;
its AppConfig.ready() imports that module, as it imports its permissions. `services.transition` does the rest.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from saferhub.workflow.working_days import working_days_after


class TransitionRefused(Exception):
    """The record is not in a state (or not complete enough) for this transition; the message says why,
    for the person, and what would be needed."""


@dataclass(frozen=True)
class DeadlineRule:
    """A deadline a transition starts: `days` (or working days) from the day it happens, or a date the
    record already holds (`due_on`), owed by `assignee` (who, if anyone, it is due from)."""

    name: str
    days: int = 0
    working_days: bool = False
    due_on: Callable[[Any], dt.date] | None = None
    assignee: Callable[[Any], Any] | None = None

    def due_date(self, record: Any, today: dt.date) -> dt.date:
        if self.due_on is not None:
            return self.due_on(record)
        if self.working_days:
            return working_days_after(today, self.days)
        return today + dt.timedelta(days=self.days)


@dataclass(frozen=True)
class Transition:
    """One move of a record from any of `sources` to `target`.

    A transition with no sources creates the record: it is given unsaved, and saved in its target state.
    `label` is what the transition does to the record, as the refusal says it ("submitted", "accepted").
    `check` says what else the record needs before it may move ("" when nothing); `notify` is called with
    the record once the transaction commits, to enqueue an email.
    """

    name: str
    sources: frozenset[str]
    target: str
    label: str
    permission: str | None = None
    stamps: str | None = None
    starts: DeadlineRule | None = None
    ends: frozenset[str] = frozenset()
    needs_comment: bool = False
    check: Callable[[Any], str] | None = None
    notify: Callable[[Any], object] | None = None

    @property
    def creates(self) -> bool:
        return not self.sources


@dataclass(frozen=True)
class Workflow:
    """A model's lifecycle: the field that holds its state, its transitions, and how a step is recorded.

    `noun` names the record in refusals ("This return is accepted; ..."); a state is described by its
    label in the state field's choices, lower-cased, unless `state_phrases` words it better ("a draft").
    Refusals raise `refused`, which an app may subclass so that its views catch its own error.
    """

    model: type[models.Model]
    noun: str
    state_field: str
    transitions: tuple[Transition, ...]
    step_recorder: Callable[[Any, Transition, Any, str], object]
    refused: type[TransitionRefused] = TransitionRefused
    state_phrases: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        if len(set(names)) != len(names):
            raise ValueError(f"The {self.noun} workflow names a transition twice: {names}")

    def transition_named(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise ValueError(f"The {self.noun} workflow has no transition '{name}'")

    def state_labels(self) -> dict[str, str]:
        """The states, in the order the state field's choices list them, with their labels."""
        choices = getattr(self.model._meta.get_field(self.state_field), "choices", None) or []
        return {value: str(label) for value, label in choices}

    def state_phrase(self, state: str) -> str:
        if state in self.state_phrases:
            return self.state_phrases[state]
        return self.state_labels().get(state, state).lower()

    def refusal(self, transition: Transition, state: str) -> TransitionRefused:
        """Why `transition` cannot happen to a record in `state`, and in which states it could."""
        if transition.creates:
            needed = "once"
        else:
            allowed = [s for s in self.state_labels() if s in transition.sources]
            needed = "only when it is " + " or ".join(self.state_phrase(s) for s in allowed)
        return self.refused(
            f"This {self.noun} is {self.state_phrase(state)}; it can be {transition.label} {needed}"
        )


def steps_kept_in(
    step_model: type[models.Model], record_field: str
) -> Callable[[Any, Transition, Any, str], object]:
    """A workflow's step recorder that keeps each step as a row of `step_model` (a `StepBase`), its kind the
    transition's name, its foreign key to the record `record_field`."""

    def record_step(record: Any, transition: Transition, actor: Any, comment: str) -> object:
        return step_model._default_manager.create(
            **{record_field: record}, kind=transition.name, actor=actor, comment=comment
        )

    return record_step


_workflows: dict[type[models.Model], Workflow] = {}


def workflow_register(workflow: Workflow) -> None:
    _workflows[workflow.model] = workflow


def workflow_of(record: models.Model) -> Workflow:
    try:
        return _workflows[type(record)]
    except KeyError:
        raise LookupError(
            f"{type(record).__name__} has no workflow: its app's workflows module registers one"
        ) from None
