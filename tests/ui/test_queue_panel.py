"""The queue panel (issue 14): a long queue lists its top 100 in order (risk, then the longest wait) at fixed column
widths; when the queue changes, the rows still there are updated where they stand, so the highlighted client stays
highlighted, one who left goes, one who came at the end is added, and the waiting times tick on."""

from __future__ import annotations

from dataclasses import replace

from curhat_tui.domain.models import Risk, Tier, Visit, VisitStatus
from curhat_tui.domain.queue import order_queue
from curhat_tui.ui.widgets.queue_panel import MAX_ROWS, QueuePanel, QueueTable
from tests.conftest import START, screen_text

SIZE = (120, 40)


def waiting(n: int, risk: Risk = Risk.NONE, alias: str | None = None, minutes_ago: float = 0) -> Visit:
    return Visit(f"w{n:04d}", f"k{n}", alias or f"klien{n:04d}", Tier.PEER, 30, 45000, "cemas", "tidak", risk,
                 START - 60 * minutes_ago - n, status=VisitStatus.WAITING)


def rows(table: QueueTable) -> list[str]:
    return [table.coordinate_to_cell_key((row, 0)).row_key.value for row in range(table.row_count)]


def highlighted(table: QueueTable) -> str:
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


async def test_a_long_queue_lists_its_top_rows_in_order_at_fixed_widths(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.main.query_one(QueuePanel)
        table = panel.query_one(QueueTable)
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        visits = [waiting(n, minutes_ago=n % 7) for n in range(1000)]
        visits[500] = waiting(500, Risk.HIGH, alias="seorang_klien_dengan_nama_yang_sangat_panjang_sekali")
        ordered = order_queue(visits)
        panel.show(ordered, clock.now())
        await pilot.pause()
        await pilot.pause()
        assert table.row_count == MAX_ROWS
        assert rows(table) == [visit.id for visit in ordered[:MAX_ROWS]]
        assert rows(table)[0] == "w0500"  # the high-risk client first
        assert [column.get_render_width(table) for column in table.ordered_columns] == widths
        assert table.virtual_size.height == MAX_ROWS + 1  # every row one line, under the header
        text = screen_text(app)
        assert "seorang_klien_dengan_nama_yang_sangat_panjang_sekali" not in text  # cut to its column
        assert "seorang_kl" in text and "1000" in text  # the title gives the full count
        assert ordered[MAX_ROWS - 1].alias not in screen_text(app)
        table.move_cursor(row=MAX_ROWS - 1)  # the last row listed scrolls into view
        await pilot.pause()
        assert highlighted(table) == ordered[MAX_ROWS - 1].id
        assert ordered[MAX_ROWS - 1].alias in screen_text(app)


async def test_rows_still_queued_stay_where_they_are_and_the_highlight_with_them(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.main.query_one(QueuePanel)
        table = panel.query_one(QueueTable)
        visits = order_queue([waiting(n, minutes_ago=10) for n in range(40)])
        panel.show(visits, clock.now())
        await pilot.pause()
        table.move_cursor(row=20, animate=False)
        await pilot.pause()
        chosen = highlighted(table)
        assert chosen == visits[20].id

        gone = visits[3]  # accepted by another counselor: the rows below move up, the highlight stays on its client
        came = waiting(99, minutes_ago=0)  # arrives last
        visits = order_queue([v for v in visits if v is not gone] + [came])
        assert visits[-1] is came
        panel.show(visits, clock.now())
        await pilot.pause()
        assert rows(table) == [visit.id for visit in visits]
        assert highlighted(table) == chosen
        assert next(v.alias for v in visits if v.id == chosen) in screen_text(app)  # the highlighted client, in view
        assert gone.alias not in screen_text(app)

        raised = replace(visits[30], risk=Risk.HIGH)  # moves to the top: a new order, the highlight still follows
        visits = order_queue([raised if v.id == raised.id else v for v in visits])
        panel.show(visits, clock.now())
        await pilot.pause()
        assert rows(table)[0] == raised.id
        assert rows(table) == [visit.id for visit in visits]
        assert highlighted(table) == chosen

        kept = dict(table.rows)
        marked = replace(visits[0], imminent=True)  # the same place, a new mark in its risk cell
        visits = order_queue([marked if v.id == marked.id else v for v in visits])
        assert visits[0] is marked
        panel.show(visits, clock.now())
        await pilot.pause()
        assert table.get_row(marked.id)[0].plain == "!!" and "!!" in screen_text(app)
        assert all(table.rows[key] is row for key, row in kept.items())  # updated where it stands, not rebuilt
        assert highlighted(table) == chosen

        visits = [v for v in visits if v.id != chosen]  # the highlighted client left: the highlight goes to the top
        panel.show(visits, clock.now())
        await pilot.pause()
        assert highlighted(table) == visits[0].id
        assert rows(table) == [visit.id for visit in visits]


async def test_the_waiting_times_tick_on(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.main.query_one(QueuePanel)
        table = panel.query_one(QueueTable)
        visits = order_queue([waiting(1, minutes_ago=2), waiting(2, minutes_ago=5)])
        panel.show(visits, clock.now())
        await pilot.pause()
        before = [table.get_row(v.id)[3].plain for v in visits]
        cells = [table.get_row(v.id)[3] for v in visits]
        panel.tick(clock.now() + 0.4)  # within the same second: no cell is written again
        assert all(now is then for now, then in zip([table.get_row(v.id)[3] for v in visits], cells))
        panel.tick(clock.now() + 61)
        await pilot.pause()
        after = [table.get_row(v.id)[3].plain for v in visits]
        assert after == [f"{int(v.waiting_seconds(clock.now() + 61)) // 60:02d}:"
                         f"{int(v.waiting_seconds(clock.now() + 61)) % 60:02d}" for v in visits]
        assert after != before and all(time in screen_text(app) for time in after)
