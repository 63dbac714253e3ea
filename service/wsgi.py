"""WSGI entry point: ``gunicorn -c gunicorn.conf.py service.wsgi:app``.

Importing this module creates the application, which loads and verifies the
model; with ``preload_app = True`` that happens once in the gunicorn master.
"""

from service import create_app

app = create_app()
