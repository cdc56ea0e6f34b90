"""Due dates given to a running procedure never change on replay."""

from __future__ import annotations

from datetime import date

import pytest

import domain.calendar
from tests.builders import POLICE_EVRY, signalement_start
from tests.fixtures import running_worker, unique_queue
from tests.workflows.helpers import complete, pending, skip_to, start_procedure, view
from workflows.signalement import SignalementWorkflow


async def test_a_changed_holiday_table_does_not_change_recorded_due_dates(
    time_env, read_model, settings, monkeypatch: pytest.MonkeyPatch
):
    # A worker that keeps no workflow in cache rebuilds the state from history every time.
    uncached = running_worker(
        time_env.client, settings, read_model, unique_queue("tq"), max_cached_workflows=0
    )
    async with uncached as worker:
        start = signalement_start(created_on=date(2030, 3, 4))
        handle = await start_procedure(time_env.client, worker, SignalementWorkflow, start)
        await skip_to(time_env, date(2030, 3, 4))
        await complete(handle, "accuse_reception", "recu", date(2030, 3, 4), POLICE_EVRY)
        # 15 days from Monday 4 March 2030 → Tuesday 19 March 2030.
        assert pending(await view(handle))["retour_information"].due == date(2030, 3, 19)

        # A "library upgrade" makes 19 March 2030 a public holiday: the state rebuilt from
        # history keeps the recorded due date, not one computed again (20 March).
        monkeypatch.setitem(domain.calendar._FRENCH_HOLIDAYS, date(2030, 3, 19), "Fête nouvelle")
        assert domain.calendar.is_public_holiday(date(2030, 3, 19))
        assert pending(await view(handle))["retour_information"].due == date(2030, 3, 19)
