"""What `/health` reports: a registry of checks (`checks.py`), the built-in ones (`builtin.py`),
the web workers' heartbeats on the message queue (`workers.py`), and the two routes
(`views.py`). docs/operations.md says what each check means and what to alert on."""
