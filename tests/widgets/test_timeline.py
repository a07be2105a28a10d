"""The timeline widget: entries as one sentence each, keyboard navigation, wrapped heights."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from widgets.timeline import ItemRole, TimelineItem, TimelineView


def items(count: int = 3) -> list[TimelineItem]:
    return [TimelineItem(key=index, when=datetime(2026, 5, 12 - index, 9 + index, 5),
                         author="Camille Martin", kind="Note", text=f"Texte {index}",
                         badge="interne" if index % 2 else "")
            for index in range(count)]


def make_view(qtbot, entries: list[TimelineItem]) -> TimelineView:
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.set_items(entries)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_each_entry_reads_as_one_sentence_and_passes_the_model_tester(qtbot, qtmodeltester):
    letter = TimelineItem(key="l", when=datetime(2026, 5, 12, 14, 5), author="Camille Martin",
                          kind="Courrier", title="Accusé de réception",
                          attachment="MED-2026-00001-acknowledgement.pdf")
    view = make_view(qtbot, [letter, *items(2)])
    model = view.model()
    qtmodeltester.check(model)
    assert model.data(model.index(0), Qt.ItemDataRole.AccessibleTextRole) == (
        "12/05/2026 14:05 — Courrier — Accusé de réception — fichier "
        "MED-2026-00001-acknowledgement.pdf — par Camille Martin")
    assert model.data(model.index(2)) == (
        "11/05/2026 10:05 — Note (interne) — Texte 1 — par Camille Martin")
    assert model.data(model.index(1), ItemRole) == items(1)[0]
    assert view.accessibleName() == "Chronologie"


def test_arrows_move_between_entries_and_enter_activates_one(qtbot):
    view = make_view(qtbot, items(4))
    view.setFocus()
    assert view.current_key() == 0  # the first entry is current from the start
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_key() == 2
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.current_key() == 3
    with qtbot.waitSignal(view.activated_key, timeout=1000) as activated:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert activated.args == [3]


def test_the_current_entry_stays_current_when_entries_are_added(qtbot):
    view = make_view(qtbot, items(3))
    view.setCurrentIndex(view.model().index(2))
    newer = TimelineItem(key="new", when=datetime(2026, 5, 13, 8), author="Système",
                         kind="Étape", title="Demande reçue")
    view.set_items([newer, *items(3)])
    assert view.current_key() == 2
    assert [item.key for item in view.items()] == ["new", 0, 1, 2]


def test_long_text_wraps_into_a_taller_entry_that_follows_the_width(qtbot):
    long = TimelineItem(key=1, when=datetime(2026, 5, 12, 9), author="Camille Martin",
                        kind="Note", text="Échange avec le service des IJ. " * 20)
    view = make_view(qtbot, [long, *items(1)])
    short_height = view.visualRect(view.model().index(1)).height()
    wide = view.visualRect(view.model().index(0)).height()
    assert wide > 2 * short_height
    view.resize(300, 400)
    qtbot.waitUntil(lambda: view.visualRect(view.model().index(0)).height() > wide,
                    timeout=2000)
