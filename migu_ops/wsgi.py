"""WSGI entry point (gunicorn). Production settings unless the deployment says otherwise: a server
that forgets DJANGO_SETTINGS_MODULE must not come up with DEBUG on and a development key."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migu_ops.settings.production")
application = get_wsgi_application()
