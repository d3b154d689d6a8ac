"""The shared cache's table, and indexes named after the queries they serve (docs/PERFORMANCE.md)."""

from django.core.management import call_command
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    # settings.CACHES keeps its data in a table of this database, so every app server shares it.
    # `migrate` creates it, as it creates every other table; createcachetable skips one that exists.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0005_history"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="network",
            index=models.Index(fields=["-created_at", "-id"], name="network_newest_first_idx"),
        ),
        migrations.AddIndex(
            model_name="network",
            index=models.Index(fields=["title", "id"], name="network_by_title_idx"),
        ),
        migrations.AddIndex(
            model_name="network",
            index=models.Index(fields=["status", "title"], name="network_status_title_idx"),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["-decided_at", "-id"], name="decision_newest_first_idx"),
        ),
    ]
