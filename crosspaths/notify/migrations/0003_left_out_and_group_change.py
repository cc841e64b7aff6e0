# The left-out notice and the group-change notice: two more message kinds (choices only; no schema change).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0002_channels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='message',
            name='kind',
            field=models.CharField(choices=[('intro', 'Introduction'), ('reschedule', 'New time'), ('reminder', 'Reminder'), ('checkin', 'Check-in'), ('left_out', 'Left out of a round'), ('group_change', 'Group changed')], max_length=16, verbose_name='kind'),
        ),
    ]
