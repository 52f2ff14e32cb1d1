"""Programme reports: whom the programme reaches, in counts no pupil can be singled out by."""
