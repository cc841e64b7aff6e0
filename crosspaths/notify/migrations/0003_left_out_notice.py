# The left-out notice: one more message kind (choices only; no schema change).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0002_channels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='message',
            name='kind',
            field=models.CharField(choices=[('intro', 'Introduction'), ('reschedule', 'New time'), ('reminder', 'Reminder'), ('checkin', 'Check-in'), ('left_out', 'Left out of a round')], max_length=16, verbose_name='kind'),
        ),
    ]
