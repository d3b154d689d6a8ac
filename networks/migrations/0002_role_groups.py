"""The three roles as groups, and what administrators may do in the admin site."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Netværksledere", "Direktørforum", "Administratorer")

# Central staff see everything in the admin, maintain the type parameters and manage users.
# Decisions and status changes are never editable there, so no change or delete rights on them.
ADMINISTRATOR_PERMISSIONS = [
    ("networks", "view_networktype"),
    ("networks", "change_networktype"),
    ("networks", "view_network"),
    ("networks", "view_participant"),
    ("networks", "view_meeting"),
    ("networks", "view_decision"),
    ("networks", "view_statuschange"),
    ("auth", "view_user"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "view_group"),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so they can be granted.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    administrators = Group.objects.get(name="Administratorer")
    for app_label, codename in ADMINISTRATOR_PERMISSIONS:
        administrators.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
