from pathlib import Path
from typing import Any

import pytest

from saferhub.documents import registry
from saferhub.documents.tests.fakes import Figures, note_kind

NOTE = "test-note"


@pytest.fixture
def figures(monkeypatch: Any, settings: Any, tmp_path: Path) -> Figures:
    """The fake kind `test-note` registered for this test only, its files in the test's own data folder."""
    settings.SAFERHUB_DATA_DIR = tmp_path
    figures = Figures()
    monkeypatch.setitem(registry.KINDS, NOTE, note_kind(NOTE, figures))
    return figures
