from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0005_program_venues"),
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
