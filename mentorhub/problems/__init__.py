"""Problem bank, posted problems, hints, attempts, feedback and level changes (journeys 4–5)."""
