"""Entry point for servers: `gunicorn mentorhub.wsgi:app`, `flask --app mentorhub.wsgi run`."""

from mentorhub import create_app

app = create_app()
