"""The progress review, the staff page of a pupil and its printed summary, flags, own progress."""

from flask import Blueprint

bp = Blueprint("progress", __name__)
