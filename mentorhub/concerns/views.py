"""Concerns (oro): raise, plan, review, close. Never shown to pupils."""

from flask import Blueprint

bp = Blueprint("concerns", __name__)
