"""Work that must follow a commit (mail over SMTP, broadcasts, cutting a socket off) runs only
after the commit, from the one place that commits, and never for a change rolled back."""

from __future__ import annotations

import re
import socketserver
import threading
from datetime import date
from pathlib import Path

import pytest

from mentorhub import after_commit, mail
from mentorhub.accounts.models import User
from mentorhub.extensions import db
from mentorhub.rooms import services as rooms
from mentorhub.rooms.models import Room

ROOT = Path(__file__).resolve().parents[2]


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every accepted mail's recipients land in `server.mails`."""

    def handle(self):
        self.wfile.write(b"220 test\r\n")
        recipients = []
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith(b"RCPT TO"):
                recipients.append(line.decode().split(":", 1)[1].strip(" <>\r\n"))
            if command == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                self.server.mails.append(recipients)
                recipients = []
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp(app):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.mails = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    old = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1]
    )
    yield server.mails
    app.config.update(old)
    server.shutdown()
    server.server_close()


def test_an_action_that_fails_after_queuing_a_mail_sends_none(app, smtp):
    with app.app_context():
        # given an action that queued a mail and then failed
        mail.send("alva@example.se", "Hej", "en rad")
        after_commit.rollback()
        # when the next action commits
        mail.send("noah@example.se", "Hej", "en rad")
        assert smtp == []  # nothing leaves before the commit
        after_commit.commit()
    # then only the committed action's mail left
    assert smtp == [["noah@example.se"]]


def test_a_removed_member_is_cut_off_only_after_the_removal_is_committed(app, room, socket_as):
    noah = socket_as(room["noah"])
    noah.emit("join", {"room_id": room["id"]}, callback=True)
    noah.get_received()
    with app.app_context():
        mentor = db.session.get(User, room["mentor"].id)
        the_room = db.session.get(Room, room["id"])
        # when the removal is made and then rolled back, Noah is not cut off
        rooms.set_members(mentor, the_room, [room["alva"].id], date.today())
        assert after_commit.pending() == 1
        after_commit.rollback()
        assert noah.get_received() == []
        # when it is made again and committed, he is cut off then
        the_room = db.session.get(Room, room["id"])
        rooms.set_members(mentor, the_room, [room["alva"].id], date.today())
        assert "access_ended" not in [e["name"] for e in noah.get_received()]
        after_commit.commit()
    assert "access_ended" in [e["name"] for e in noah.get_received()]
    assert noah.emit("join", {"room_id": room["id"]}, callback=True)["error"] == "forbidden"


def test_no_view_or_event_module_commits_itself():
    modules = [*ROOT.glob("mentorhub/**/views.py"), *ROOT.glob("mentorhub/**/events.py")]
    assert modules
    offenders = [
        str(path.relative_to(ROOT))
        for path in modules
        if re.search(r"\.session\.commit\(", path.read_text())
    ]
    assert offenders == []
