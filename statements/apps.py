from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _restore_vocabularies(sender, using="default", apps=None, **kwargs):
    from statements.services.vocabularies import vocabularies_restore_initial

    vocabularies_restore_initial(apps=apps, using=using)


class StatementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "statements"

    def ready(self):
        # A flushed database (a transactional test, ``manage.py flush``) gets its initial kinds
        # back, as it gets its permissions back.
        post_migrate.connect(_restore_vocabularies, sender=self)
