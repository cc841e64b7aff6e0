# Channels: existing rows become e-mail (the default); nothing else is rewritten.

import crosspaths.notify.models
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0001_initial'),
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChannelChoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('email', 'E-mail'), ('slack', 'Slack'), ('teams', 'Microsoft Teams')], max_length=16, verbose_name='channel')),
            ],
            options={
                'verbose_name': 'channel choice',
                'verbose_name_plural': 'channel choices',
            },
        ),
        migrations.CreateModel(
            name='ChatAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('slack', 'Slack'), ('teams', 'Microsoft Teams')], max_length=16, verbose_name='channel')),
                ('external_id', models.CharField(max_length=200, verbose_name='user id on the chat platform')),
                ('linked_at', models.DateTimeField(verbose_name='linked')),
            ],
            options={
                'verbose_name': 'chat account',
                'verbose_name_plural': 'chat accounts',
            },
        ),
        migrations.CreateModel(
            name='OrganizationChannels',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channels', models.JSONField(default=crosspaths.notify.models.default_channels, verbose_name='enabled channels')),
            ],
            options={
                'verbose_name': "organization's channels",
                'verbose_name_plural': "organizations' channels",
            },
        ),
        migrations.AddField(
            model_name='message',
            name='channel',
            field=models.CharField(choices=[('email', 'E-mail'), ('slack', 'Slack'), ('teams', 'Microsoft Teams')], default='email', max_length=16, verbose_name='channel'),
        ),
        migrations.AddField(
            model_name='message',
            name='conversation',
            field=models.CharField(blank=True, max_length=200, verbose_name='conversation'),
        ),
        migrations.AddField(
            model_name='message',
            name='group_members',
            field=models.JSONField(blank=True, default=list, verbose_name='group members'),
        ),
        migrations.AlterField(
            model_name='message',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='people.person', verbose_name='recipient'),
        ),
        migrations.AddConstraint(
            model_name='message',
            constraint=models.CheckConstraint(condition=models.Q(('person__isnull', False), models.Q(('match__isnull', False), models.Q(('channel', 'email'), _negated=True)), _connector='OR'), name='message_has_recipient'),
        ),
        migrations.AddField(
            model_name='channelchoice',
            name='organization',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.organization'),
        ),
        migrations.AddField(
            model_name='channelchoice',
            name='person',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='channel_choice', to='people.person'),
        ),
        migrations.AddField(
            model_name='chataccount',
            name='organization',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.organization'),
        ),
        migrations.AddField(
            model_name='chataccount',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chat_accounts', to='people.person'),
        ),
        migrations.AddField(
            model_name='organizationchannels',
            name='organization',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='delivery_channels', to='people.organization'),
        ),
        migrations.AddConstraint(
            model_name='chataccount',
            constraint=models.UniqueConstraint(fields=('person', 'channel'), name='chat_account_per_person'),
        ),
        migrations.AddConstraint(
            model_name='chataccount',
            constraint=models.UniqueConstraint(fields=('organization', 'channel', 'external_id'), name='chat_account_unique_id'),
        ),
    ]
