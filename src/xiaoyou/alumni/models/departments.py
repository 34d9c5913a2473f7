"""院系设置: the school → college → department → major tree, with former names."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    SCHOOL = "school", _("School")  # 学校 / 校区
    COLLEGE = "college", _("College")  # 学院
    DEPARTMENT = "department", _("Department")  # 系


class Department(models.Model):
    """院系: a node of the school → college → department tree; its alumni association, if any.

    Renamed or merged units keep their old names as DepartmentAlias rows so searches by an old
    name still find their alumni.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(
        _("type"), max_length=16, choices=DepartmentKind.choices, default=DepartmentKind.COLLEGE
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Set when the unit was merged into another one; its records are shown under the successor.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_units",
    )
    is_active = models.BooleanField(_("active"), default=True)
    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("college association"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Major(models.Model):
    """专业: a field of study within a department."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="majors"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("major")
        verbose_name_plural = _("majors")
        ordering = ["department__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="one_major_name_per_department"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentAlias(models.Model):
    """A former name of a department (renamed or merged), searchable like its current name."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("former name"), max_length=100, db_index=True)
    used_from = models.PositiveSmallIntegerField(_("used from (year)"), null=True, blank=True)
    used_until = models.PositiveSmallIntegerField(_("used until (year)"), null=True, blank=True)

    class Meta:
        verbose_name = _("former department name")
        verbose_name_plural = _("former department names")

    def __str__(self) -> str:
        return self.name
