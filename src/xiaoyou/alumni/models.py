"""Alumni records (校友档案) and the school's departments (院系) and majors (专业).

A minimal model for the foundation's demo data; the alumni issue extends it (custom fields,
import, matching, search, privacy).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoyou.core.models import TimeStampedModel


class Department(models.Model):
    """院系: a school or department of the university; its alumni association, if it has one."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)
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


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class DegreeLevel(models.TextChoices):
    BACHELOR = "bachelor", _("Bachelor")  # 本科
    MASTER = "master", _("Master")  # 硕士
    DOCTOR = "doctor", _("Doctor")  # 博士


class AlumniRecord(TimeStampedModel):
    """档案: what the association knows about one graduate (one record per degree studied).

    `org` is the association that keeps the record (the main association); `user` links the
    record to the person's account once they are verified.
    """

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="alumni_records",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # 学号: unique within the keeping organization when known; old records often lack one.
    student_id = models.CharField(_("student number"), max_length=32, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alumni_records",
    )
    major = models.ForeignKey(
        Major,
        verbose_name=_("major"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alumni_records",
    )
    class_name = models.CharField(_("class"), max_length=50, blank=True)  # 班级
    degree_level = models.CharField(
        _("degree level"), max_length=16, choices=DegreeLevel.choices, default=DegreeLevel.BACHELOR
    )
    enrollment_year = models.PositiveSmallIntegerField(
        _("year of enrollment"), null=True, blank=True
    )
    graduation_year = models.PositiveSmallIntegerField(
        _("year of graduation"), null=True, blank=True, db_index=True
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    employer = models.CharField(_("employer"), max_length=150, blank=True)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alumni_record",
    )

    class Meta:
        verbose_name = _("alumni record")
        verbose_name_plural = _("alumni records")
        ordering = ["-graduation_year", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "student_id"],
                condition=~models.Q(student_id=""),
                name="one_record_per_student_id",
            )
        ]

    def __str__(self) -> str:
        return self.name
