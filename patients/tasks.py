from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from knox.models import get_token_model


@shared_task
def purge_expired_tokens() -> int:
    """Delete device tokens whose idle period or whole lifetime has run out (they
    already answer 401)."""
    now = timezone.now()
    model = get_token_model()
    _, per_model = model.objects.filter(
        Q(expiry__lt=now) | Q(created__lt=now - settings.TOKEN_MAX_AGE)
    ).delete()
    return per_model.get(model._meta.label, 0)
