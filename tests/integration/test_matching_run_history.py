"""Every matching run is kept (issue 16): its inputs' summary, its figures (assigned, score,
the bound the engine proves, the gap, the engine's time) and who ran it, stored when it ends
in the same transaction as the proposal; the coordinator's page of runs lists them and
compares two side by side, counts only. The inline backend runs the job right after the
request's commit, as the pilot does."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from mentorhub.accounts.models import User
from mentorhub.extensions import db
from mentorhub.matching import engine, history
from mentorhub.matching import services as matching
from mentorhub.matching.models import Match, MatchingRun, RunStatus
from mentorhub.programme.models import Term
from tests.integration import test_matching as given
from tests.integration.test_matching import _run

# the matching tests' pupils and offers, as fixtures of this module too
approved, offer = given.approved, given.offer


def _runs(app) -> list[MatchingRun]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(MatchingRun)
                .options(sa.orm.undefer(MatchingRun.pairs))
                .order_by(MatchingRun.id)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def _proposal(app) -> list[list[int]]:
    with app.app_context():
        return sorted(
            [p, m] for p, m in db.session.execute(sa.select(Match.pupil_id, Match.mentor_id))
        )


def _started(app, run_id: int, moment: datetime) -> None:
    with app.app_context():
        db.session.get(MatchingRun, run_id).started_at = moment
        db.session.commit()


def _names(app, ids) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User.name).where(User.id.in_(ids))))


def test_a_runs_inputs_and_figures_are_stored_when_it_ends(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given three approved pupils and one mentor with two places
    offer(capacity=2)
    login_as(coordinator)
    # when the coordinator runs matching (the job runs after the request's commit)
    client.post("/matching/run")
    # then the run keeps what it was given: three pupils, one offer, two places, one area
    (run,) = _runs(app)
    assert run.status == RunStatus.DONE.value and run.run_by_id == coordinator.id
    assert (run.pupil_count, run.offer_count, run.capacity_total) == (3, 1, 2)
    assert run.subject_area_ids == [programme["areas"][0]] and run.kept_count == 0
    # and what it reached, as the proposal stored beside it has it
    with app.app_context():
        scores = list(db.session.scalars(sa.select(Match.score)))
    assert (run.assigned, run.unassigned_count, run.total_score) == (2, 1, sum(scores))
    assert run.pairs == _proposal(app)
    # and the bound the engine proves: at pilot size the exact mode's, which the run reaches
    # (two places: two pupils at most, and no higher score), proven optimal: no gap
    assert (run.bound_kind, run.bound_assigned, run.bound_score) == ("exact", 2, run.total_score)
    assert run.gap_percent == 0.0 and run.score_gap_percent == 0.0
    assert run.optimal and run.exact_status in {"optimal", "proven"}
    # and when, and how long the engine took
    assert run.created_at <= run.started_at <= run.finished_at
    assert 0 < run.engine_seconds < 60


def test_the_matching_page_says_whether_the_last_run_is_proven_best_or_how_close(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given a run at pilot size, which the exact mode proves optimal
    offer(capacity=2)
    run_id = _run(app, coordinator, programme)
    login_as(coordinator)
    # when the coordinator opens the matching page
    page = client.get("/matching/").get_data(as_text=True)
    # then it says the run is optimal
    assert "Optimal: ingen matchning kunde placera fler elever eller nå en högre poäng." in page
    # and given a run the exact mode could not prove (its time ran out), 12.5 % below the bound
    with app.app_context():
        run = db.session.get(MatchingRun, run_id)
        run.optimal, run.exact_status, run.gap_percent = False, "feasible", 12.5
        db.session.commit()
    # when the page is opened again, in Swedish and then in English
    page = client.get("/matching/").get_data(as_text=True)
    # then it says how close to the best possible the run is, in the language's numbers
    assert "Inom 12,5 % av bästa möjliga." in page and "Optimal:" not in page
    client.post("/language", data={"locale": "en", "next": "/matching/"})
    assert "Within 12.5 % of the best possible." in client.get("/matching/").get_data(as_text=True)


def test_kept_matches_count_in_the_figures_and_in_the_bound(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given a run whose proposal the coordinator has confirmed
    offer()
    _run(app, coordinator, programme)
    login_as(coordinator)
    client.post("/matching/confirm")
    # when matching is run again
    client.post("/matching/run")
    # then the three confirmed matches are kept, counted in what it reached and in the bound
    latest = _runs(app)[-1]
    assert (latest.kept_count, latest.assigned, latest.bound_assigned) == (3, 3, 3)
    assert latest.gap_percent == 0.0


def test_a_gap_below_the_bound_is_a_share_of_the_bounds_pupils(db, programme):
    # given an engine result of one pupil against a proved bound of four (one kept)
    kept = engine.Match(1, 9, 1, "tue-3", None, 5, (), True)
    new = engine.Match(2, 9, 1, "thu-3", None, 7, ())
    result = engine.Assignment(outcomes=(kept, new), feasible_pairs=4, stage1_bound=(3, 30))
    loaded = matching.Loaded(pupils={}, mentors=[], locked=[kept])
    record = MatchingRun(term_id=programme["term"], status=RunStatus.DONE.value)
    # when its figures are noted
    matching.note_figures(record, result, 1.5)
    matching.note_inputs(record, loaded)
    # then the bound has the kept match added, the gap is in pupils, and no score gap is
    # claimed below the bound's pupils
    assert (record.assigned, record.total_score) == (2, 12)
    assert (record.bound_assigned, record.bound_score) == (4, 35)
    assert record.gap_percent == 50.0 and record.score_gap_percent is None
    assert record.pairs == [[1, 9], [2, 9]] and record.kept_count == 1


def test_the_tightest_of_the_engines_bounds_is_kept_with_its_kind(db, programme):
    # given an engine result with all three bounds: stage 1's and the slot bound over the
    # pupils not kept, the exact mode's on the whole result, which is the tightest
    kept = engine.Match(1, 9, 1, "tue-3", None, 5, (), True)
    new = engine.Match(2, 9, 1, "thu-3", None, 7, ())
    result = engine.Assignment(
        outcomes=(kept, new),
        feasible_pairs=4,
        stage1_bound=(3, 30),
        slot_bound=(2, 22),
        exact_bound=(3, 26),
        exact_status="feasible",
    )
    record = MatchingRun(term_id=programme["term"], status=RunStatus.DONE.value)
    # when its figures are noted
    matching.note_figures(record, result, 1.5)
    # then the exact bound (3, 26) beats the slot bound with the kept match added (3, 27) and
    # stage 1's (4, 35); the run is not proven optimal, and says why
    assert (record.bound_kind, record.bound_assigned, record.bound_score) == ("exact", 3, 26)
    assert record.gap_percent == pytest.approx(100 / 3)
    assert (record.optimal, record.exact_status) == (False, "feasible")
    assert record.gap_to_best == pytest.approx(100 / 3)


def test_a_failed_run_keeps_its_reason_and_inputs_and_no_figures(
    app, approved, offer, coordinator, programme, client, login_as, monkeypatch
):
    # given an engine that fails half-way
    offer()

    def broken(*args, on_stage=None, **kwargs):
        on_stage("stage1")
        raise RuntimeError("Alva Andersson cannot be placed")

    monkeypatch.setattr(engine, "solve", broken)
    login_as(coordinator)
    # when the coordinator runs matching
    client.post("/matching/run")
    # then the run is failed with its reason, and keeps what it was given (that is true)
    (run,) = _runs(app)
    assert (run.status, run.stage, run.error) == ("failed", "stage1", "RuntimeError")
    assert (run.pupil_count, run.offer_count, run.capacity_total) == (3, 1, 3)
    # and no figure it never reached: none, not a 0
    figures = (
        run.assigned,
        run.total_score,
        run.unassigned_count,
        run.bound_assigned,
        run.bound_score,
        run.gap_percent,
        run.engine_seconds,
        run.pairs,
    )
    assert figures == (None,) * len(figures)
    # and the page of runs says why it failed, with no figures
    page = client.get("/matching/runs").get_data(as_text=True)
    assert "Misslyckades: RuntimeError under ”Steg 1: varje elevs mentor väljs”" in page
    assert "cannot be placed" not in page


def test_the_runs_page_lists_the_terms_runs_newest_first_with_their_figures(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given two runs, the second after a second mentor stated an offer
    offer(capacity=2)
    first = _run(app, coordinator, programme)
    offer(name="Erik Sandberg", capacity=2)
    second = _run(app, coordinator, programme)
    _started(app, first, datetime(2026, 12, 7, 14, 5))  # UTC: 15:05 in Stockholm
    _started(app, second, datetime(2026, 12, 7, 14, 30))
    login_as(coordinator)
    # when the coordinator follows "Körningar" from the matching page
    overview = client.get("/matching/").get_data(as_text=True)
    assert '<a href="/matching/runs">Körningar</a>' in overview
    page = client.get("/matching/runs").get_data(as_text=True)
    # then an accessible table lists both, the newest first, times in Stockholm time
    assert "<caption" in page and "Terminens körningar, den senaste först" in page
    assert page.count('<th scope="row">') == 2
    assert page.index("7 december 2026 15:30") < page.index("7 december 2026 15:05")
    # with who ran it, the outcome, the inputs and the figures
    assert page.count("Klar</td>") == 2
    rows = page.split('<th scope="row">')[1:]
    newest, oldest = rows
    assert f"<td>{coordinator.name}</td>" in newest and f"<td>{coordinator.name}</td>" in oldest
    assert "<td>4</td>" in newest and "<td>3</td>" in newest  # places, pupils assigned
    assert "<td>2</td>" in oldest and "<td>1</td>" in oldest  # assigned, left without
    assert "<td>Optimal</td>" in newest  # the gap: none, proven by the exact mode
    # and the newest offers a comparison with the one before it
    assert f"/matching/runs/compare?run={first}&amp;run={second}" in newest
    assert "Jämför med föregående" in newest and "Jämför med föregående" not in oldest
    # and no pupil is named (counts only: nothing to log)
    assert not any(name in page for name in _names(app, approved))


def test_two_runs_compared_side_by_side_with_the_pupils_who_got_another_mentor(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given a run with one mentor, then a second mentor and a run that replaced its proposal
    offer(capacity=2)
    first = _run(app, coordinator, programme)
    before = dict(_proposal(app))
    offer(name="Erik Sandberg", capacity=2)
    second = _run(app, coordinator, programme)
    after = dict(_proposal(app))
    login_as(coordinator)
    # when the coordinator compares them (ticked in either order)
    page = client.get(f"/matching/runs/compare?run={second}&run={first}").get_data(as_text=True)
    # then both runs' figures stand side by side, the earlier first, with the difference
    assert "<caption" in page and "Jämför körningar" in page
    assigned = page.split('<th scope="row">Elever med mentor</th>')[1].split("</tr>")[0]
    assert assigned == "<td>2</td><td>3</td><td>+1</td>"
    offers = page.split('<th scope="row">Mentorer med erbjudande</th>')[1].split("</tr>")[0]
    assert offers == "<td>1</td><td>2</td><td>+1</td>"
    # and how many pupils got a different mentor, from the proposals the runs kept
    other = sum(before[p] != after[p] for p in before.keys() & after.keys())
    assert f"{other} elev" in page  # "1 elev har…" / "0 elever har…"
    assert "fick mentor bara i den senare körningen" in page
    assert "1 elev fick mentor bara i den senare körningen" in page
    # and no pupil is named
    assert not any(name in page for name in _names(app, approved))


def test_comparing_needs_two_different_runs(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given one run
    offer()
    run_id = _run(app, coordinator, programme)
    login_as(coordinator)
    # when the coordinator asks to compare it alone, or with itself
    for query in (f"run={run_id}", f"run={run_id}&run={run_id}", ""):
        response = client.get(f"/matching/runs/compare?{query}")
        # then she is sent back to the list and told to choose two
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/matching/runs")
    page = client.get("/matching/runs").get_data(as_text=True)
    assert "Välj två körningar att jämföra." in page
    # and a run that does not exist is not found
    assert client.get(f"/matching/runs/compare?run={run_id}&run=999999").status_code == 404


def test_the_runs_page_reads_the_same_number_of_queries_for_two_runs_or_five(
    app, approved, offer, coordinator, programme, client, login_as, count_queries
):
    # given two runs, and the coordinator signed in
    offer()
    for _ in range(2):
        _run(app, coordinator, programme)
    login_as(coordinator)
    client.get("/matching/runs")  # warm up: the first request loads what every page loads
    # when the page is read with two runs, then with five
    with count_queries() as with_two:
        assert client.get("/matching/runs").status_code == 200
    for _ in range(3):
        _run(app, coordinator, programme)
    with count_queries() as with_five:
        page = client.get("/matching/runs").get_data(as_text=True)
    # then it shows every run in the same, small number of queries
    assert page.count('<th scope="row">') == 5
    assert len(with_five) == len(with_two) <= 8, with_five


def test_a_run_in_the_service_keeps_its_figures_as_the_job_does(
    app, approved, offer, coordinator, programme
):
    # given an offer
    offer()
    # when matching is run in the caller's transaction (the demo, the tests)
    with app.app_context():
        run = matching.run(
            db.session.get(User, coordinator.id), db.session.get(Term, programme["term"])
        )
        db.session.commit()
        # then it has the same figures the job stores
        assert (run.assigned, run.bound_assigned, run.pupil_count) == (3, 3, 3)
        assert run.started_at <= run.finished_at and run.engine_seconds > 0


def test_a_difference_too_small_to_show_reads_as_no_difference():
    # given an engine time a few milliseconds shorter in the later run
    figure = history.Figure("Engine time (s)", 0.014, 0.011, decimals=2)
    # then the difference is shown as none, never as "-0"
    assert figure.difference == 0 and str(figure.difference) == "0.0"
    # and a real one keeps its sign
    assert history.Figure("Pupils assigned", 2, 3).difference == 1


def test_a_failed_run_compared_shows_no_figures_and_no_count_of_changes(
    app, approved, offer, coordinator, programme, client, login_as, monkeypatch
):
    # given a run that is done, then one that failed
    offer()
    done = _run(app, coordinator, programme)

    def broken(*args, on_stage=None, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(engine, "solve", broken)
    login_as(coordinator)
    client.post("/matching/run")
    failed = _runs(app)[-1].id
    # when the coordinator compares them
    page = client.get(f"/matching/runs/compare?run={done}&run={failed}").get_data(as_text=True)
    # then the failed run's figures are empty, with no difference claimed
    assigned = page.split('<th scope="row">Elever med mentor</th>')[1].split("</tr>")[0]
    assert assigned == "<td>3</td><td>–</td><td>–</td>"
    # but what it was given is there, and who got another mentor is said to be not known
    pupils = page.split('<th scope="row">Elever med i körningen</th>')[1].split("</tr>")[0]
    assert pupils == "<td>3</td><td>3</td><td>0</td>"
    assert "Okänt: en av körningarna sparade inget förslag" in page
