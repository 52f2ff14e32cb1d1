"""A matching run as a background job (issue 15): the coordinator's button records the run and
queues it; the job reports its stages into the run's row and stores the proposal at its end; the
page follows the row. These tests use the inline backend, which runs the job right after the
request's commit, as the pilot does."""

import sqlalchemy as sa

from mentorhub.extensions import db
from mentorhub.jobs.models import FailedJob
from mentorhub.matching import engine
from mentorhub.matching.models import RUN_STAGES, Match, MatchingRun, RunStatus
from mentorhub.timeutil import utcnow
from tests.integration import test_jobs
from tests.integration import test_matching as given
from tests.integration.test_matching import _run

# the matching tests' pupils and offers, as fixtures of this module too
approved, offer = given.approved, given.offer


def _runs(app) -> list[MatchingRun]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(MatchingRun).order_by(MatchingRun.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def _match_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Match))


def _set_status(app, run_id: int, status: str, stage: str | None = None, steps: int = 0):
    with app.app_context():
        run = db.session.get(MatchingRun, run_id)
        run.status, run.stage, run.steps_done, run.updated_at = status, stage, steps, utcnow()
        db.session.commit()


def test_a_run_started_over_http_is_recorded_and_then_done_with_proposals(
    app, approved, offer, coordinator, client, login_as
):
    # given approved pupils and a mentor's offer
    offer()
    login_as(coordinator)
    # when the coordinator presses "run matching"
    response = client.post("/matching/run")
    # then the answer is at once a redirect to the matching page, naming the run
    (run,) = _runs(app)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/matching/?run={run.id}")
    # and the job, run inline after the commit, has finished it with the proposals stored
    assert run.status == RunStatus.DONE.value
    assert run.run_by_id == coordinator.id
    assert run.steps_done == len(RUN_STAGES) and run.finished_at is not None
    assert run.assigned == len(approved) == _match_count(app)
    # and the page says so, in its live status region, and lists the proposals
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'role="status"' in page
    assert "Matchningen har körts. Granska förslaget och bekräfta det." in page
    assert "<progress" not in page
    assert "Alva" in page


def test_the_job_commits_each_stage_as_it_goes_so_the_page_can_read_it(
    app, approved, offer, coordinator, client, login_as, monkeypatch
):
    # given a run under way, watched from a connection of its own (as the page's poll is)
    offer()
    seen = []
    real_solve = engine.solve

    def watched_solve(*args, **kwargs):
        result = real_solve(*args, **kwargs)
        with db.engine.connect() as other:
            seen.append(other.execute(sa.text("SELECT status, stage FROM matching_runs")).one())
        return result

    monkeypatch.setattr(engine, "solve", watched_solve)
    login_as(coordinator)
    # when it runs
    client.post("/matching/run")
    # then, while the engine ran, the row said it was running in stage 2, committed
    assert [tuple(row) for row in seen] == [("running", "stage2")]
    assert _runs(app)[0].status == RunStatus.DONE.value


def test_a_second_start_while_one_is_running_is_refused_and_nothing_is_queued(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given a run the job is still working on
    offer()
    first = _run(app, coordinator, programme)
    _set_status(app, first, RunStatus.RUNNING.value, "stage1", 1)
    before = _match_count(app)
    login_as(coordinator)
    # when the coordinator starts another
    response = client.post("/matching/run", follow_redirects=True)
    # then it is refused in Swedish, no run is recorded and no job ran (it would have stored
    # a proposal and finished a run)
    page = response.get_data(as_text=True)
    assert "Matchningen körs redan för den här terminen. Vänta tills den är klar." in page
    assert [(r.id, r.status) for r in _runs(app)] == [(first, RunStatus.RUNNING.value)]
    assert _match_count(app) == before
    # and the page shows the run's progress instead of the button
    assert "<progress" in page and "Steg 1: varje elevs mentor väljs" in page
    assert "Kör matchningen" not in page


def test_two_runs_of_one_term_cannot_both_be_active_whatever_the_check_says(
    app, programme, coordinator
):
    # the database holds the rule, for two starts that race past the service's check
    with app.app_context():
        db.session.add(
            MatchingRun(term_id=programme["term"], run_by_id=coordinator.id, status="queued")
        )
        db.session.commit()
        db.session.add(
            MatchingRun(term_id=programme["term"], run_by_id=coordinator.id, status="running")
        )
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
        else:
            raise AssertionError("a second active run was stored")
        # finished runs are not limited
        db.session.add(
            MatchingRun(term_id=programme["term"], run_by_id=coordinator.id, status="done")
        )
        db.session.commit()


def test_a_run_whose_job_was_lost_does_not_block_the_term(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given a run last heard of longer ago than a job may take
    offer()
    lost = _run(app, coordinator, programme)
    with app.app_context():
        run = db.session.get(MatchingRun, lost)
        run.status, run.updated_at = RunStatus.RUNNING.value, utcnow().replace(year=2000)
        db.session.commit()
    login_as(coordinator)
    # when the coordinator starts again, the lost one is marked failed and the new one runs
    client.post("/matching/run")
    assert [r.status for r in _runs(app)] == [RunStatus.FAILED.value, RunStatus.DONE.value]


def test_a_failing_job_marks_the_run_failed_with_a_reason_and_changes_nothing(
    app, approved, offer, coordinator, programme, client, login_as, monkeypatch
):
    # given an earlier run's proposals
    offer()
    _run(app, coordinator, programme)
    with app.app_context():
        before = sorted(
            db.session.execute(sa.select(Match.id, Match.pupil_id, Match.mentor_id)).all()
        )

    # and an engine that fails half-way (the failure injected; its message names a pupil)
    def broken(*args, on_stage=None, **kwargs):
        on_stage("stage1")
        raise RuntimeError("Alva Andersson cannot be placed")

    monkeypatch.setattr(engine, "solve", broken)
    login_as(coordinator)
    # when the coordinator runs matching
    response = client.post("/matching/run", follow_redirects=True)
    # then the run is failed, with the stage and the kind of error
    latest = _runs(app)[-1]
    assert (latest.status, latest.stage, latest.error) == ("failed", "stage1", "RuntimeError")
    # and the proposals are the earlier run's, untouched
    with app.app_context():
        after = sorted(
            db.session.execute(sa.select(Match.id, Match.pupil_id, Match.mentor_id)).all()
        )
        # and the failed job is parked for the failed-jobs page too
        parked = db.session.scalars(sa.select(FailedJob)).one()
        assert (parked.name, parked.kwargs) == ("matching.run", {"run_id": latest.id})
    assert after == before
    # and the page says why, in Swedish, without the error's message or a stack trace
    page = response.get_data(as_text=True)
    assert "Matchningen misslyckades: ett oväntat fel (RuntimeError)" in page
    assert "Steg 1: varje elevs mentor väljs" in page
    assert "cannot be placed" not in page and "Traceback" not in page
    # and the coordinator can run it again (the button is back)
    assert "Kör matchningen" in page


def test_the_status_endpoint_answers_the_runs_state_as_json(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given a run in stage 2
    offer()
    run_id = _run(app, coordinator, programme)
    _set_status(app, run_id, RunStatus.RUNNING.value, "stage2", 2)
    login_as(coordinator)
    # when the page polls it
    response = client.get(f"/matching/runs/{run_id}/status")
    # then it gets its state, with a label in the coordinator's language, never cached
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "id": run_id,
        "status": "running",
        "stage": "stage2",
        "done": 2,
        "total": 5,
        "finished": False,
        "label": "Matchningen körs: Steg 2: tider och grupper (steg 3 av 5).",
    }
    # and once done, it says it has finished
    _set_status(app, run_id, RunStatus.DONE.value, "saving", 4)
    state = client.get(f"/matching/runs/{run_id}/status").get_json()
    assert (state["finished"], state["done"]) == (True, 5)


def test_the_page_loads_its_polling_script_from_static_not_inline(
    app, approved, offer, coordinator, programme, client, login_as
):
    offer()
    run_id = _run(app, coordinator, programme)
    _set_status(app, run_id, RunStatus.QUEUED.value)
    login_as(coordinator)
    page = client.get("/matching/").get_data(as_text=True)
    assert 'src="/static/js/matching.js"' in page
    assert f'data-run-status="/matching/runs/{run_id}/status"' in page
    assert 'aria-live="polite"' in page and "Väntar på att starta" in page
    assert client.get("/static/js/matching.js").status_code == 200


# --- on RQ (scale-out): the request only queues; a worker runs it -----------------------------

rq_mode, marker = test_jobs.rq_mode, test_jobs.marker  # a queue of each test's own in Redis


def test_on_rq_the_request_answers_at_once_and_a_worker_runs_it(
    app, approved, offer, coordinator, client, login_as, rq_mode
):
    # given a mentor's offer, and jobs on RQ
    offer()
    login_as(coordinator)
    # when the coordinator starts matching
    response = client.post("/matching/run", follow_redirects=True)
    # then the run is recorded as queued, one job is on the queue with only the run's id,
    # and nothing is proposed yet
    (run,) = _runs(app)
    assert run.status == RunStatus.QUEUED.value
    (job,) = rq_mode.get_jobs()
    assert job.args == ("matching.run", {"run_id": run.id})
    assert _match_count(app) == 0
    # and the page shows the progress bar, in its live region, and no button to start again
    page = response.get_data(as_text=True)
    assert '<progress max="5" value="0"' in page and "Väntar på att starta" in page
    assert "Kör matchningen" not in page
    state = client.get(f"/matching/runs/{run.id}/status").get_json()
    assert (state["status"], state["finished"]) == ("queued", False)
    # and a second start is refused, with nothing more queued
    page = client.post("/matching/run", follow_redirects=True).get_data(as_text=True)
    assert "Matchningen körs redan för den här terminen." in page
    assert len(rq_mode.get_jobs()) == 1 and len(_runs(app)) == 1
    # when a worker runs the job
    test_jobs.work(app)
    # then the run is done with the proposals
    (run,) = _runs(app)
    assert run.status == RunStatus.DONE.value and _match_count(app) == len(approved)
    state = client.get(f"/matching/runs/{run.id}/status").get_json()
    assert (state["status"], state["finished"], state["done"]) == ("done", True, 5)
