"""Published template versions in the database: immutable, so a case keeps what it used."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.models import TemplateVersion
from kiosk.template_loader import (
    TemplateInvalid,
    parse_template,
    read_template_source,
    shipped_template_files,
)
from kiosk.template_model import Template


class TemplateNotFound(LookupError):
    """No published version of that template (or of that version)."""


class VersionConflict(ValueError):
    """A version number that is already published with different content."""


def template_of(row: TemplateVersion) -> Template:
    """The typed template of a published version (parsed once per process, shared)."""
    return parse_template(row.source, f"{row.template_id} v{row.version} (published)")


@dataclass(frozen=True)
class PublishResult:
    row: TemplateVersion
    is_new: bool


def publish_template(session: Session, path: Path, actor: str) -> PublishResult:
    """Validates a template file and stores it as a published version.

    Publishing the same content again is a no-op; the same version with other content is refused
    (a published version never changes: raise the version number instead).
    """
    source = read_template_source(path)  # read once: what is validated is what is stored
    return publish_source(session, parse_template(source, str(path)), source, actor)


def publish_source(session: Session, template: Template, source: str,
                   actor: str) -> PublishResult:
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    existing = session.execute(
        select(TemplateVersion).where(TemplateVersion.template_id == template.id,
                                      TemplateVersion.version == template.version)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.sha256 == digest:
            return PublishResult(existing, is_new=False)
        raise VersionConflict(
            f"{template.id} version {template.version} is already published with other "
            f"content; give the changed template version "
            f"{latest_version(session, template.id) + 1}")
    row = TemplateVersion(template_id=template.id, version=template.version,
                          title=dict(template.title), source=source, sha256=digest,
                          published_by=actor)
    session.add(row)
    session.flush()
    record_event(session, actor, "template.published",
                 payload={"template": template.id, "version": template.version,
                          "sha256": digest})
    return PublishResult(row, is_new=True)


def latest_version(session: Session, template_id: str) -> int:
    return session.execute(
        select(func.max(TemplateVersion.version)).where(TemplateVersion.template_id == template_id)
    ).scalar_one() or 0


def get_version(session: Session, template_id: str, version: int | None = None) -> TemplateVersion:
    """A published version; the newest one not retired when version is None."""
    query = select(TemplateVersion).where(TemplateVersion.template_id == template_id)
    if version is None:
        query = query.where(TemplateVersion.is_retired.is_(False))
    else:
        query = query.where(TemplateVersion.version == version)
    query = query.order_by(TemplateVersion.version.desc()).limit(1)
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        which = f"version {version} of " if version is not None else ""
        raise TemplateNotFound(f"no published {which}template '{template_id}'")
    return row


def list_versions(session: Session) -> list[TemplateVersion]:
    return list(session.execute(
        select(TemplateVersion).order_by(TemplateVersion.template_id, TemplateVersion.version)
    ).scalars())


def publish_shipped_templates(session: Session, templates_dir: Path, actor: str) -> list[str]:
    """Publishes every template under templates/questions/ that is not yet published."""
    published = []
    for path in shipped_template_files(templates_dir):
        result = publish_template(session, path, actor)
        if result.is_new:
            published.append(f"{result.row.template_id} v{result.row.version}")
    return published


__all__ = ["PublishResult", "TemplateInvalid", "TemplateNotFound", "VersionConflict",
           "get_version", "latest_version", "list_versions", "publish_shipped_templates",
           "publish_source", "publish_template", "template_of"]
