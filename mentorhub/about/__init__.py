"""The public pages about the service: the privacy notice, the accessibility statement and
its feedback form. Readable before signing in; the feedback list is the coordinators'."""
