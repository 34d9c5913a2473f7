"""Face search's part of content's start-up: error codes, policy rules, the periodic scan, the
hall menu and personal-center entries, and the section of "download my data"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoyou.content import errors_faces, policy_faces, tasks_faces  # noqa: F401 - registers
    from xiaoyou.content.services.faces import face_data_export
    from xiaoyou.content.views.hall_faces import face_data_entry
    from xiaoyou.core.registry import (
        PersonalDataExporter,
        QuickEntry,
        Section,
        hall_menu,
        personal_center_entries,
        personal_data_exporters,
    )

    policy_faces.register()
    tasks_faces.register()
    hall_menu.add(
        QuickEntry(
            key="content_face_search",
            label=_("Find my photos"),
            url_name="hall:content_face_search",
            icon="search",
            order=71,
        )
    )
    personal_center_entries.add(
        Section(key="content_face_data", label=_("My face data"), render=face_data_entry, order=66)
    )
    personal_data_exporters.add(
        PersonalDataExporter(
            key="content_face_data", label=_("Face search"), export=face_data_export, order=70
        )
    )
