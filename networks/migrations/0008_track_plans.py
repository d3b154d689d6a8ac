"""The welfare tracks become a plan per track (`track_plans`): the old selection of tracks goes.

The selection said only which tracks a network ticked, not how it works on them, so there is
nothing to carry over into the plans.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0007_whole_life"),
    ]

    operations = [
        migrations.RemoveField(model_name="historicalnetwork", name="tracks"),
        migrations.RemoveField(model_name="network", name="tracks"),
    ]
