"""Published template versions: immutable, and a case keeps the version it was opened with."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_cases import clock

from kiosk.cases import find_case, interview_of, open_case
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station
from kiosk.template_loader import TemplateInvalid
from kiosk.template_store import (
    VersionConflict,
    get_version,
    list_versions,
    publish_template,
)

SHIPPED = PROJECT_ROOT / "templates/questions/minor-assault.yaml"
SHIPPED_VERSION = int(re.search(r"^version: (\d+)$", SHIPPED.read_text("utf-8"), re.M)[1])
NEXT = SHIPPED_VERSION + 1


def version_2(tmp_path: Path, *, version: int = NEXT, title: str = "殴打他人（第二版）") -> Path:
    """The shipped template as its next version, with another title."""
    source = SHIPPED.read_text("utf-8").replace(f"version: {SHIPPED_VERSION}",
                                                f"version: {version}", 1)
    source = source.replace("zh: 殴打他人（情节较轻）", f"zh: {title}", 1)
    path = tmp_path / "minor-assault-v2.yaml"
    path.write_text(source, "utf-8")
    return path


def open_assault(station: Station) -> str:
    with station.database.session() as session:
        return open_case(session, station.settings, "minor-assault", "张三",
                         arrived_at=datetime.now(UTC), arrival_mode="came_in", actor="duty",
                         today=station.today()).code


def test_a_case_keeps_its_version_after_a_new_one_is_published(station: Station,
                                                                tmp_path: Path) -> None:
    before = open_assault(station)
    with station.database.session() as session:
        result = publish_template(session, version_2(tmp_path), actor="admin")
        assert result.is_new and result.row.version == NEXT
    after = open_assault(station)
    with station.database.session() as session:
        old_case, new_case = find_case(session, before), find_case(session, after)
        assert old_case.template_version.version == SHIPPED_VERSION
        assert new_case.template_version.version == NEXT
        old = interview_of(session, old_case, **clock(station)).template
        new = interview_of(session, new_case, **clock(station)).template
        assert old.title["zh"] == "殴打他人（情节较轻）"
        assert new.title["zh"] == "殴打他人（第二版）"
        assert [r.version for r in list_versions(session)
                if r.template_id == "minor-assault"] == [SHIPPED_VERSION, NEXT]
        assert get_version(session, "minor-assault").version == NEXT


def test_a_published_version_never_changes(station: Station, tmp_path: Path) -> None:
    with station.database.session() as session:
        assert not publish_template(session, SHIPPED, actor="admin").is_new  # same content
    changed = version_2(tmp_path, version=SHIPPED_VERSION, title="改过的标题")
    with station.database.session() as session, pytest.raises(VersionConflict,
                                                               match=f"version {NEXT}"):
        publish_template(session, changed, actor="admin")
    with station.database.session() as session:
        assert get_version(session, "minor-assault", SHIPPED_VERSION).title["zh"] == \
            "殴打他人（情节较轻）"


def test_an_invalid_file_is_not_published(station: Station, tmp_path: Path) -> None:
    broken = version_2(tmp_path)
    broken.write_text(broken.read_text("utf-8").replace("type: yes_no", "type: maybe", 1),
                      "utf-8")
    with station.database.session() as session, pytest.raises(TemplateInvalid, match="maybe"):
        publish_template(session, broken, actor="admin")
    with station.database.session() as session:
        assert get_version(session, "minor-assault").version == SHIPPED_VERSION
