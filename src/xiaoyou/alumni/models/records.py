"""档案: alumni records and what hangs off them (degrees, contacts, tags)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoyou.alumni.models.departments import Department, Major
from xiaoyou.core.models import TimeStampedModel


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class DegreeLevel(models.TextChoices):
    BACHELOR = "bachelor", _("Bachelor")  # 本科
    MASTER = "master", _("Master")  # 硕士
    DOCTOR = "doctor", _("Doctor")  # 博士


class RecordStatus(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DECEASED = "deceased", _("Deceased")
    UNREACHABLE = "unreachable", _("Unreachable")


class RecordSource(models.TextChoices):
    REGISTRAR = "registrar", _("Registrar")  # 教务/学籍数据
    IMPORT = "import", _("Import")
    ADMIN = "admin", _("Staff")
    SELF = "self", _("The alumnus")
    LIAISON = "liaison", _("Class liaison")  # 联络人
    CAMPAIGN = "campaign", _("Information campaign")


class VerificationState(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    PENDING = "pending", _("Claim under review")
    VERIFIED = "verified", _("Verified")


class Tag(models.Model):
    """A label staff put on records (e.g. 杰出校友, 理事)."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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

    # --- issue 4: the full archive ------------------------------------------------------
    former_name = models.CharField(_("former name"), max_length=50, blank=True)
    english_name = models.CharField(_("English name"), max_length=100, blank=True)
    lunar_birth_date = models.CharField(
        _("lunar date of birth"), max_length=20, blank=True, help_text=_("e.g. 1975-08-15")
    )
    # National ID number (身份证号): Fernet-encrypted at rest; a keyed hash finds duplicates and
    # the last four characters are kept for the masked display.
    national_id_encrypted = models.TextField(blank=True)
    national_id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    national_id_last4 = models.CharField(max_length=4, blank=True)
    wechat = models.CharField(_("WeChat ID"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    country = models.CharField(_("country or region"), max_length=60, blank=True)
    province = models.CharField(_("province"), max_length=60, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="records", verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.ALIVE
    )
    is_key_alumnus = models.BooleanField(_("key alumnus"), default=False)
    source = models.CharField(
        _("source"), max_length=16, choices=RecordSource.choices, default=RecordSource.ADMIN
    )
    verification = models.CharField(
        _("verification"),
        max_length=16,
        choices=VerificationState.choices,
        default=VerificationState.UNVERIFIED,
        db_index=True,
    )
    # Values of the admin-defined custom fields (扩展信息), keyed by CustomField.key.
    custom_data = models.JSONField(_("custom fields"), default=dict, blank=True)
    # Search keys kept by the services whenever the name changes: full pinyin without spaces
    # ("zhangsanfeng") and initials ("zsf"), both lower-case.
    name_pinyin = models.CharField(max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True)
    import_batch = models.ForeignKey(
        "alumni.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_records",
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_records",
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
        # College (and units below it) + a range of years: the archive's most common filter.
        indexes = [
            models.Index(fields=["department", "graduation_year"], name="alumni_record_dept_grad")
        ]

    def __str__(self) -> str:
        return self.name


class DegreeEntry(models.Model):
    """A degree studied at the school (a person may have several: 本科, 硕士, 博士...).

    The record's own department/major/class/years/degree_level mirror its primary entry so the
    common filters need no join; the services keep them in step.
    """

    record = models.ForeignKey(AlumniRecord, on_delete=models.CASCADE, related_name="degrees")
    level = models.CharField(_("degree level"), max_length=16, choices=DegreeLevel.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL
    )
    major = models.ForeignKey(
        Major, verbose_name=_("major"), null=True, blank=True, on_delete=models.SET_NULL
    )
    class_name = models.CharField(_("class"), max_length=50, blank=True)
    student_id = models.CharField(_("student number"), max_length=32, blank=True, db_index=True)
    enrollment_year = models.PositiveSmallIntegerField(
        _("year of enrollment"), null=True, blank=True
    )
    graduation_year = models.PositiveSmallIntegerField(
        _("year of graduation"), null=True, blank=True
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("degree")
        verbose_name_plural = _("degrees")
        ordering = ["enrollment_year", "id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.enrollment_year or ''}"


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Mobile phone")
    EMAIL = "email", _("Email")
    WECHAT = "wechat", _("WeChat")


class ContactPoint(models.Model):
    """Every phone, email and WeChat ID known for a record; the current one is mirrored on the
    record, retired ones stay here (and in the history) so old data still matches."""

    record = models.ForeignKey(AlumniRecord, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("type"), max_length=16, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=200, db_index=True)
    is_current = models.BooleanField(_("current"), default=True)
    source = models.CharField(_("source"), max_length=16, choices=RecordSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "kind", "value"], name="one_contact_value_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"
