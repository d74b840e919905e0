"""Departments, demo users, their role groups and department memberships.

What exists is never changed: a department renamed, a user whose password or name was changed,
stay as they are. Missing rows are added, so the demo's role table always holds.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group

from goals.models import Department, DepartmentMembership
from planboard.demo import departments as department_data
from planboard.demo import users as user_data

CHANGED_PASSWORD = "(existing password kept; not the demo password)"


def ensure_departments(save) -> dict[str, Department]:
    """The demo departments by slug, creating those that are missing."""
    slugs = [slug for _, slug in department_data.DEPARTMENTS]
    found = {department.slug: department for department in Department.objects.filter(slug__in=slugs)}
    for name, slug in department_data.DEPARTMENTS:
        if slug not in found:
            found[slug] = save(Department(name=name, slug=slug))
    return found


def ensure_users(*, password: str, departments: dict[str, Department], save) -> tuple[dict, dict[str, str]]:
    """The demo users by username, and the password to show for each role user.

    A user created now gets the demo password; for one that already existed the password is shown
    only if it still is the demo password.
    """
    User = get_user_model()
    specs = user_data.USERS
    found = {user.username: user for user in User.objects.filter(username__in=[spec["username"] for spec in specs])}
    created = set()
    # One hash for all demo users: hashing each with the default PBKDF2 cost would take seconds.
    encoded = make_password(password)
    for spec in specs:
        if spec["username"] in found:
            continue
        user = User(
            username=spec["username"],
            first_name=spec["first_name"],
            last_name=spec["last_name"],
            email=f"{spec['username']}@{user_data.EMAIL_DOMAIN}",
            is_staff=spec.get("is_staff", False),
            is_superuser=spec.get("is_superuser", False),
            password=encoded,
        )
        user.save()
        found[user.username] = user
        created.add(user.username)
    _ensure_groups(found, specs)
    _ensure_memberships(found, departments, specs, save)
    return found, _shown_passwords(found, created, password)


def _ensure_groups(users: dict, specs: list[dict]) -> None:
    wanted = {(users[spec["username"]].pk, spec["group"]) for spec in specs if spec.get("group")}
    groups = {group.name: group for group in Group.objects.filter(name__in={name for _, name in wanted})}
    for _, name in wanted:
        if name not in groups:  # the roles migration creates them; this covers a database where one was deleted
            groups[name], _ = Group.objects.get_or_create(name=name)
    Through = get_user_model().groups.through
    have = set(
        Through.objects.filter(user_id__in=[user_id for user_id, _ in wanted]).values_list("user_id", "group_id")
    )
    Through.objects.bulk_create(
        [
            Through(user_id=user_id, group_id=groups[name].pk)
            for user_id, name in sorted(wanted)
            if (user_id, groups[name].pk) not in have
        ]
    )


def _ensure_memberships(users: dict, departments: dict[str, Department], specs: list[dict], save) -> None:
    have = set(
        DepartmentMembership.objects.filter(user__in=list(users.values())).values_list("department_id", "user_id")
    )
    for spec in specs:
        user = users[spec["username"]]
        for slug, role in spec.get("memberships", []):
            if (departments[slug].pk, user.pk) not in have:
                save(DepartmentMembership(department=departments[slug], user=user, role=role))


def _shown_passwords(users: dict, created: set[str], password: str) -> dict[str, str]:
    checked: dict[str, bool] = {}
    shown = {}
    for username in user_data.ROLE_USERNAMES:
        encoded = users[username].password
        if username not in created and encoded not in checked:
            checked[encoded] = check_password(password, encoded)
        shown[username] = password if username in created or checked[encoded] else CHANGED_PASSWORD
    return shown
