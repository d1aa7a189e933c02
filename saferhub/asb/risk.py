"""Scoring a victim's risk and vulnerability: the default matrix Saferhub ships (docs/asb-risk.md), a
partnership's own matrix read from its settings, and the score and level of a set of answers.

A matrix is yes/no questions, each with a weight, and two thresholds: a score at or above `medium` is medium
risk, at or above `high` high risk. A question marked `makes_high` makes the risk high whatever the score: a
victim who fears for their safety, or who has thought of harming themselves, is not left to the arithmetic.
Each assessment keeps the matrix it was scored against (`as_json`), so a later change rewrites nothing.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify

from saferhub.asb.models import RiskLevel


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    weight: int
    makes_high: bool = False


@dataclass(frozen=True)
class Matrix:
    questions: tuple[Question, ...]
    medium: int
    high: int

    def as_json(self) -> dict[str, Any]:
        return {
            "questions": [
                {"key": q.key, "text": q.text, "weight": q.weight, "makes_high": q.makes_high}
                for q in self.questions
            ],
            "thresholds": {"medium": self.medium, "high": self.high},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Matrix":
        """The matrix a partnership's settings or an assessment's snapshot holds; a part missing reads as
        none (no questions, thresholds of 0), so an odd snapshot still shows rather than fails."""
        thresholds = data.get("thresholds") or {}
        return cls(
            questions=tuple(
                Question(
                    key=str(item.get("key", "")),
                    text=str(item.get("text", "")),
                    weight=int(item.get("weight", 0)),
                    makes_high=bool(item.get("makes_high", False)),
                )
                for item in data.get("questions") or ()
            ),
            medium=int(thresholds.get("medium", 0)),
            high=int(thresholds.get("high", 0)),
        )

    @property
    def highest_score(self) -> int:
        return sum(q.weight for q in self.questions)


@dataclass(frozen=True)
class Result:
    score: int
    level: RiskLevel
    # The questions answered yes that made the risk high whatever the score.
    made_high_by: tuple[Question, ...]


def _q(key: str, weight: int, text: str, *, makes_high: bool = False) -> Question:
    return Question(key=key, text=text, weight=weight, makes_high=makes_high)


# Modelled on the victim risk assessments English forces and councils have used since HMIC's 2010 ASB
# inspection ("Stop the Rot") and the Home Office's 2012 call-handling trials: the harm to the victim, their
# vulnerability, repetition and escalation. The wording and the weights are Saferhub's own, a documented
# default for a partnership to change (docs/asb-risk.md), not a national standard.
DEFAULT_MATRIX = Matrix(
    questions=(
        _q(
            "fears_for_safety",
            4,
            "Do they fear for their own safety, or that of someone in their household?",
            makes_high=True,
        ),
        _q(
            "self_harm",
            4,
            "Have they had thoughts of harming themselves or of suicide because of what is happening?",
            makes_high=True,
        ),
        _q(
            "hate",
            3,
            "Do they think they are targeted because of who they are: their race, religion, disability, "
            "sexual orientation or transgender identity?",
        ),
        _q("repeat", 2, "Has it happened to them three or more times in the last three months?"),
        _q("worse", 2, "Is the behaviour getting worse, or happening more often?"),
        _q("fear_going_out", 2, "Are they afraid to go out, or to stay in their home?"),
        _q("physical_health", 2, "Has their physical health been affected?"),
        _q("mental_health", 2, "Has their mental health been affected: sleep, anxiety, low mood?"),
        _q(
            "vulnerable",
            2,
            "Are they vulnerable because of a disability, a long-term illness, their mental health or "
            "their age?",
        ),
        _q("children", 2, "Are children in the household affected?"),
        _q("no_improvement", 2, "Have they reported it before without it getting better?"),
        _q("alone", 1, "Do they live alone, or are they otherwise isolated?"),
        _q("no_support", 1, "Are they without family, friends or neighbours to support them?"),
        _q("moving", 1, "Are they thinking of moving home because of it?"),
        _q("daily_life", 1, "Does it stop them working, studying or caring for others?"),
    ),
    medium=6,
    high=14,
)


def matrix_in_force(raw: Mapping[str, Any] | None) -> Matrix:
    """A partnership's own matrix (its settings' `risk_matrix`), or the default when it has none."""
    return Matrix.from_json(raw) if raw else DEFAULT_MATRIX


def scored(matrix: Matrix, answers: Collection[str]) -> Result:
    """The score (the weights of the questions answered yes) and the level it reaches, or high regardless
    when a question that makes it high is answered yes. Keys the matrix does not ask are ignored."""
    yes = [q for q in matrix.questions if q.key in answers]
    score = sum(q.weight for q in yes)
    made_high_by = tuple(q for q in yes if q.makes_high)
    if made_high_by or score >= matrix.high:
        level = RiskLevel.HIGH
    elif score >= matrix.medium:
        level = RiskLevel.MEDIUM
    else:
        level = RiskLevel.STANDARD
    return Result(score=score, level=level, made_high_by=made_high_by)


# --- The matrix as a manager edits it: one question a line ---------------------------------------------

HIGH_MARK = "high"
MAX_WEIGHT = 20


class MatrixTextError(ValueError):
    """A line of the questions that cannot be read; the message names the line and says what to write."""


def matrix_as_lines(matrix: Matrix) -> str:
    """The questions as a manager edits them: `weight | question`, and `| high` where it makes it high."""
    return "\n".join(
        f"{q.weight} | {q.text}" + (f" | {HIGH_MARK}" if q.makes_high else "") for q in matrix.questions
    )


def questions_from_lines(text: str, *, keep_keys_of: Matrix = DEFAULT_MATRIX) -> tuple[Question, ...]:
    """The questions of the text box. A question worded as one of `keep_keys_of` keeps its key (so the
    default's questions keep theirs); any other is keyed by its words. Raises MatrixTextError."""
    known = {q.text: q.key for q in keep_keys_of.questions}
    questions: list[Question] = []
    taken: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (2, 3) or not parts[1]:
            raise MatrixTextError(f"Line {number}: write a weight, a bar and the question, like “2 | {line}”")
        weight, words = parts[0], parts[1]
        if not weight.isdigit() or not 1 <= int(weight) <= MAX_WEIGHT:
            raise MatrixTextError(f"Line {number}: the weight must be a whole number from 1 to {MAX_WEIGHT}")
        if len(parts) == 3 and parts[2].lower() != HIGH_MARK:
            raise MatrixTextError(
                f"Line {number}: after the question write only “| {HIGH_MARK}”, for an answer that makes "
                "the risk high whatever the score"
            )
        if words in {q.text for q in questions}:
            raise MatrixTextError(f"Line {number}: this question is asked on an earlier line")
        key = known.get(words) or slugify(words)[:40] or f"question-{number}"
        while key in taken:
            key = f"{key}-{number}"
        taken.add(key)
        questions.append(Question(key=key, text=words, weight=int(weight), makes_high=len(parts) == 3))
    if not questions:
        raise MatrixTextError("Enter at least one question, or choose to use the default matrix")
    return tuple(questions)
