"""ASGI entry point. Production settings unless the deployment says otherwise (see wsgi.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migu_ops.settings.production")
application = get_asgi_application()
