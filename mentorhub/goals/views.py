"""Study-technique goals: create, edit, comment, check in, change state; the build-up summary."""

from flask import Blueprint

bp = Blueprint("goals", __name__)
