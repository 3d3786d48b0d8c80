"""Probes for load balancers and orchestrators: plain text, no session, no templates."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(_request):
    """The process is up. Touches nothing else, so a database outage does not restart us."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_GET
def readyz(_request):
    """Ready to serve: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ready\n", content_type="text/plain")
