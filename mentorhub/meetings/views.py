"""Meetings: scheduling, attendance, and the iCalendar feed and downloads."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

feed_bp = Blueprint("calendar_feed", __name__)
