# Numbered 0006 because another lane adds programs 0005 at the same time; the merge
# puts the chain in order.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_match_confirmed"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="auto_enroll_since",
            field=models.DateField(
                blank=True, null=True, verbose_name="new hires enrolled automatically from"
            ),
        ),
    ]
