"""City departments and their members (liaisons and members)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from goals.models.base import TrackedModel, duplicate_error
from planboard.core.choices import MembershipRole


class Department(TrackedModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    is_active = models.BooleanField(default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="DepartmentMembership", related_name="departments", blank=True
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DepartmentMembership(models.Model):
    Role = MembershipRole

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department", "user"], name="membership_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.department} ({self.get_role_display()})"

    def clean(self) -> None:
        errors = duplicate_error(
            self,
            "user",
            "This person is already a member of the department; change their role instead.",
            department_id=self.department_id,
            user_id=self.user_id,
        )
        if errors:
            raise ValidationError(errors)
