import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_program_auto_enroll_since"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="holdout_percent",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text=(
                    "Keep this share of the possible pairs of each round apart on purpose, "
                    "so “Does it pay off?” compares colleagues who met with comparable "
                    "colleagues who could have met. Pairs, not people: everyone still "
                    "meets someone. 0 keeps nobody apart."
                ),
                validators=[
                    django.core.validators.MaxValueValidator(
                        50, message="Hold out at most %(limit_value)s %% of the pairs."
                    )
                ],
                verbose_name="hold out for measurement (%)",
            ),
        ),
        migrations.AddField(
            model_name="round",
            name="holdout_percent",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="held out (%)"),
        ),
    ]
