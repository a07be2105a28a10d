"""The mediation screens, driven as a mediator would: intake, steps, timeline, list, PDF.

Modal dialogs are replaced through their ``ask`` entry points (see ``answer_with``); the
dialogs themselves are checked on their own at the end.
"""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from db.mediation import files as mediation_files
from db.mediation import intake, lifecycle
from db.mediation import setup as mediation_setup
from db.mediation.common import today_in_office
from db.mediation.deadlines import CRA_RUNNING_OUT
from db.mediation.models import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    LetterKind,
    MediationCase,
    MediationChannel,
    WaitingOn,
)
from db.mediation.records import CaseInput, EntryInput, StepInput
from db.mediation.rules import Step
from db.roles import Role
from db.unit.audit import AuditEvent
from desktop.mediation import case_list
from desktop.mediation.case_view import CaseView
from desktop.mediation.dialogs import DateDialog, EntryDialog, LetterDialog, StepDialog
from desktop.mediation.page import MediationPage
from tests.gui.test_people import add_person, type_text

TODAY = today_in_office()


@pytest.fixture
def open_page(qtbot, make_context):
    def open_(role: Role = Role.MEDIATOR, wait: bool = True) -> MediationPage:
        page = MediationPage(make_context(role))
        qtbot.addWidget(page)
        page.resize(1200, 800)
        page.show()
        qtbot.waitExposed(page)
        if wait:
            qtbot.waitUntil(page.tabs.isVisible, timeout=5000)
            qtbot.waitUntil(lambda: page.cases.count.text() != "", timeout=5000)
        return page

    return open_


def motive_id(store, actor, code: str):
    with store.unit(actor) as unit:
        return next(m.id for m in mediation_setup.list_motives(unit) if m.code == code)


def add_case(store, actors, person_id, motive_code="ij_unpaid", **overrides):
    mediator = actors[Role.MEDIATOR]
    values = dict(received_on=TODAY, channel=MediationChannel.MAIL, person_id=person_id,
                  motive_id=motive_id(store, mediator, motive_code), prior_step_done=True,
                  court_action_pending=False, summary="Indemnités non versées depuis mars.")
    values.update(overrides)
    with store.unit(mediator) as unit:
        return intake.create_case(unit, CaseInput(**values)).id


def answer_with(monkeypatch, dialog, answers: list) -> list:
    """Replace ``dialog.ask``: each call pops the next answer; returns the calls' arguments."""
    calls = []

    def ask(_cls, *args):
        calls.append(args)
        return answers.pop(0)

    monkeypatch.setattr(dialog, "ask", classmethod(ask))
    return calls


def wait_status(qtbot, view: CaseView, status: CaseStatus) -> None:
    qtbot.waitUntil(lambda: view.record is not None and view.record.status is status,
                    timeout=5000)


def offered(view: CaseView) -> list[Step]:
    """The steps that have a button, in order (the buttons of the other steps do not exist)."""
    return list(view.step_buttons)


def titles(view: CaseView) -> list[str]:
    return [item.title for item in view.timeline.items()]


def take(qtbot, monkeypatch, view: CaseView, data: StepInput, status: CaseStatus) -> None:
    calls = answer_with(monkeypatch, StepDialog, [data])
    qtbot.mouseClick(view.step_buttons[data.step], Qt.MouseButton.LeftButton)
    wait_status(qtbot, view, status)
    assert calls[0][1] is data.step


def test_a_case_from_intake_to_closure(qtbot, open_page, sqlite_store, gui_actors, monkeypatch,
                                       qtmodeltester):
    person_id = add_person(sqlite_store, gui_actors[Role.ADVISER])
    page = open_page()
    assert page.cases.count.text() == "Aucun dossier ne correspond à ces critères."

    # Ctrl+N on the page: « Nouvelle saisine ».
    page.cases.search_field.setFocus()
    qtbot.keyClick(page.cases.search_field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.intake is not None and page.intake.isVisible(), timeout=5000)
    intake = page.intake
    intake.channel.set_value(MediationChannel.PHONE)
    picker = intake.person
    with qtbot.waitSignal(picker.search.searched, timeout=5000):
        type_text(qtbot, picker.field, "lefèvre")
    qtbot.keyClick(picker.field, Qt.Key.Key_Down)
    assert picker.person_id == person_id
    assert "LEFÈVRE Éloïse" in picker.summary.text()
    assert intake.motive.set_value(motive_id(sqlite_store, gui_actors[Role.MEDIATOR],
                                             "ij_unpaid"))
    assert intake.urgent.isChecked()  # preset from the motive: no income
    type_text(qtbot, intake.contested_decision, "Refus de versement des IJ")
    type_text(qtbot, intake.decision_notified_on, (TODAY - timedelta(days=20)).strftime(
        "%d/%m/%Y"))
    intake.prior_step_done.setChecked(True)
    intake.summary.setPlainText("IJ non versées depuis deux mois malgré les arrêts envoyés.")
    qtbot.mouseClick(intake.save_button, Qt.MouseButton.LeftButton)

    view = page.case_view
    wait_status(qtbot, view, CaseStatus.RECEIVED)
    assert page.stack.currentWidget() is view
    record = view.record
    assert record.reference == f"MED-{TODAY.year}-00001"
    assert view.title.text() == f"{record.reference} — LEFÈVRE Éloïse"
    assert "URGENT" in view.status.text()
    assert offered(view) == [Step.DECLARE_ADMISSIBLE, Step.DECLARE_INADMISSIBLE, Step.REDIRECT,
                             Step.CLOSE]
    assert titles(view) == ["Demande reçue"]
    delays = view.delays.text()
    assert "Accusé de réception : à faire d'ici le" in delays
    assert "Reste 40" not in delays and "sur le délai de 2 mois de la CRA" in delays
    qtmodeltester.check(view.timeline.model())

    # Acknowledged by phone: the button goes away, the delay says it is done.
    answer_with(monkeypatch, DateDialog, [TODAY])
    qtbot.mouseClick(view.acknowledge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.record.deadlines.acknowledged_on == TODAY, timeout=5000)
    assert not view.acknowledge_button.isVisibleTo(view)
    assert f"fait le {TODAY:%d/%m/%Y}" in view.delays.text()

    take(qtbot, monkeypatch, view, StepInput(Step.DECLARE_ADMISSIBLE), CaseStatus.ADMISSIBLE)
    assert titles(view)[0] == "Demande déclarée recevable"
    assert offered(view) == [Step.START_INSTRUCTION, Step.WAIT, Step.CLOSE]
    assert "suspendu depuis le" in view.delays.text()  # the CRA delay, from admissibility

    follow_up = TODAY + timedelta(days=10)
    take(qtbot, monkeypatch, view, StepInput(Step.WAIT, waiting_on=WaitingOn.REQUESTER,
                                             follow_up_on=follow_up), CaseStatus.WAITING)
    assert titles(view)[0].startswith("Mise en attente du demandeur")
    assert offered(view) == [Step.RESUME, Step.CLOSE]
    assert Step.ISSUE_RECOMMENDATION not in view.step_buttons  # never offered while waiting
    assert view.follow_up_button.isVisibleTo(view)
    delays = view.delays.text()
    assert "horloge suspendue depuis le" in delays
    assert f"relance prévue le {follow_up:%d/%m/%Y}" in delays

    take(qtbot, monkeypatch, view, StepInput(Step.RESUME), CaseStatus.IN_PROGRESS)
    assert not view.follow_up_button.isVisibleTo(view)
    assert offered(view) == [Step.WAIT, Step.ISSUE_RECOMMENDATION, Step.CLOSE]
    take(qtbot, monkeypatch, view, StepInput(Step.ISSUE_RECOMMENDATION,
                                             comment="Versement des IJ recommandé."),
         CaseStatus.RECOMMENDATION_ISSUED)
    assert offered(view) == [Step.CLOSE]
    take(qtbot, monkeypatch, view, StepInput(Step.CLOSE, outcome=CaseOutcome.FAVOURABLE),
         CaseStatus.CLOSED)
    assert offered(view) == [Step.REOPEN]
    assert "issue : favorable" in view.status.text()
    assert titles(view)[:4] == ["Dossier clôturé — issue : favorable", "Recommandation émise",
                                "Instruction reprise",
                                f"Mise en attente du demandeur — relance le "
                                f"{follow_up:%d/%m/%Y}"]
    texts = [item.text for item in view.timeline.items()]
    assert "Versement des IJ recommandé." in texts

    # Back to the list: the case is there, closed, and selected.
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.cases
    page.cases.status.set_value(frozenset())  # every state
    qtbot.waitUntil(lambda: page.cases.count.text() == "1 dossier", timeout=5000)
    model = page.cases.search.model
    assert model.data(model.index(0, 0)) == record.reference
    assert model.data(model.index(0, 5)) == "Clôturée"


def test_a_forbidden_step_is_neither_offered_nor_asked(qtbot, open_page, sqlite_store,
                                                       gui_actors, monkeypatch):
    person_id = add_person(sqlite_store, gui_actors[Role.ADVISER])
    case_id = add_case(sqlite_store, gui_actors, person_id, prior_step_done=False)
    page = open_page()
    page.open_case(case_id)
    wait_status(qtbot, page.case_view, CaseStatus.RECEIVED)
    # No prior démarche: admissibility is not offered, and asking for it does nothing.
    assert Step.DECLARE_ADMISSIBLE not in offered(page.case_view)
    calls = answer_with(monkeypatch, StepDialog, [StepInput(Step.DECLARE_ADMISSIBLE)])
    page.case_view.take_step(Step.DECLARE_ADMISSIBLE)
    assert calls == []


def test_a_colleagues_change_is_said_and_the_case_reloaded(qtbot, open_page, sqlite_store,
                                                           gui_actors, monkeypatch):
    person_id = add_person(sqlite_store, gui_actors[Role.ADVISER])
    case_id = add_case(sqlite_store, gui_actors, person_id)
    page = open_page()
    view = page.case_view
    page.open_case(case_id)
    wait_status(qtbot, view, CaseStatus.RECEIVED)
    # The assistant declares it admissible meanwhile.
    with sqlite_store.unit(gui_actors[Role.MEDIATION_ASSISTANT]) as unit:
        version = unit.session.get(MediationCase, case_id).version
        lifecycle.advance(unit, case_id, version,
                          StepInput(Step.DECLARE_ADMISSIBLE))
    take(qtbot, monkeypatch, view, StepInput(Step.REDIRECT, redirection=None),
         CaseStatus.ADMISSIBLE)
    assert "Quelqu'un d'autre a modifié ce dossier entre-temps" in view.banner.text()
    assert view.banner.isVisibleTo(view)
    assert offered(view) == [Step.START_INSTRUCTION, Step.WAIT, Step.CLOSE]


def test_notes_letters_and_attachments_join_the_timeline(qtbot, open_page, sqlite_store,
                                                         gui_actors, monkeypatch, tmp_path):
    person_id = add_person(sqlite_store, gui_actors[Role.ADVISER])
    case_id = add_case(sqlite_store, gui_actors, person_id)
    page = open_page()
    view = page.case_view
    page.open_case(case_id)
    wait_status(qtbot, view, CaseStatus.RECEIVED)
    assert view.letters == [LetterKind.ACKNOWLEDGEMENT]

    answer_with(monkeypatch, EntryDialog, [EntryInput(CaseEventKind.NOTE, "Piste à vérifier.")])
    view.add_entry(CaseEventKind.NOTE)
    qtbot.waitUntil(lambda: len(view.timeline.items()) == 2, timeout=5000)
    note = view.timeline.items()[0]
    assert (note.kind, note.badge, note.text) == ("Note", "interne", "Piste à vérifier.")

    answer_with(monkeypatch, LetterDialog, [(LetterKind.ACKNOWLEDGEMENT, "")])
    qtbot.mouseClick(view.letter_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.timeline.items()) == 3, timeout=10000)
    letter = view.timeline.items()[0]
    assert letter.kind == "Courrier" and letter.attachment.endswith("-acknowledgement.pdf")
    assert letter.badge == ""  # a letter went to the requester
    assert view.record.deadlines.acknowledged_on == TODAY

    scan = tmp_path / "courrier-assure.txt"
    scan.write_bytes("Lettre de l'assurée reçue le 12/05.".encode())
    monkeypatch.setattr(CaseView, "choose_file", classmethod(lambda _cls, _parent: str(scan)))
    qtbot.mouseClick(view.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.timeline.items()) == 4, timeout=5000)
    assert view.timeline.items()[0].attachment == "courrier-assure.txt"

    opened = []
    monkeypatch.setattr(CaseView, "open_file", classmethod(lambda _cls, path: opened.append(path)))
    view.timeline.setFocus()
    view.timeline.setCurrentIndex(view.timeline.model().index(0))
    assert view.open_button.isEnabled()
    qtbot.keyClick(view.timeline, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened[0].name == "courrier-assure.txt"
    assert opened[0].read_bytes() == scan.read_bytes()
    with sqlite_store.session() as session:
        actions = set(session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_id == case_id)))
    assert {"open", "add_entry", "letter", "attach", "open_document"} <= actions


def test_the_summary_pdf_leaves_internal_notes_out_on_request(qtbot, open_page, sqlite_store,
                                                              gui_actors, monkeypatch,
                                                              tmp_path):
    person_id = add_person(sqlite_store, gui_actors[Role.ADVISER])
    case_id = add_case(sqlite_store, gui_actors, person_id)
    with sqlite_store.unit(gui_actors[Role.MEDIATOR]) as unit:
        mediation_files.add_entry(unit, case_id,
                            EntryInput(CaseEventKind.NOTE, "Piste confidentielle."))
    page = open_page()
    view = page.case_view
    page.open_case(case_id)
    wait_status(qtbot, view, CaseStatus.RECEIVED)
    target = tmp_path / "synthese.pdf"
    suggested = []
    monkeypatch.setattr(CaseView, "ask_save_path", classmethod(
        lambda _cls, _parent, name: suggested.append(name) or str(target)))
    view.export_pdf(include_internal_notes=False)
    qtbot.waitUntil(lambda: "Synthèse enregistrée" in view.banner.text(), timeout=10000)
    assert suggested == [f"{view.record.reference}-sans-notes-internes.pdf"]
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(target.read_bytes()))
                     .pages)
    assert view.record.reference in text and "LEFÈVRE Éloïse" in text
    assert "sans les notes internes" in text
    assert "Piste confidentielle" not in text


def test_list_filters_and_search_find_the_cases(qtbot, open_page, sqlite_store, gui_actors,
                                                qtmodeltester):
    lefevre = add_person(sqlite_store, gui_actors[Role.ADVISER])
    dubois = add_person(sqlite_store, gui_actors[Role.ADVISER], last_name="Dubois",
                        first_name="Hervé", nir="2 70 03 71 334 050 51",
                        birth_date=date(1970, 3, 3))
    urgent = add_case(sqlite_store, gui_actors, lefevre)
    old = add_case(sqlite_store, gui_actors, dubois, "c2s",
                   received_on=TODAY - timedelta(days=60),
                   summary="Demande de C2S restée sans réponse.")
    page = open_page()
    cases = page.cases
    model = cases.search.model
    qtbot.waitUntil(lambda: cases.count.text() == "2 dossiers", timeout=5000)
    assert model.keys() == [urgent, old]  # urgent first
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "Urgent"
    assert model.data(model.index(1, 1)) == "⚠ En retard"  # not acknowledged after 60 days
    assert "accusé de réception" in model.data(model.index(1, 1), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1, 1), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(1, 7)) == "60"

    def shows(ids) -> bool:
        return model.keys() == ids

    cases.urgent.setChecked(True)
    qtbot.waitUntil(lambda: shows([urgent]), timeout=5000)
    cases.urgent.setChecked(False)
    cases.overdue.setChecked(True)
    qtbot.waitUntil(lambda: shows([old]), timeout=5000)
    cases.overdue.setChecked(False)
    cases.motive.set_value(motive_id(sqlite_store, gui_actors[Role.MEDIATOR], "c2s"))
    qtbot.waitUntil(lambda: shows([old]), timeout=5000)
    cases.motive.set_value(None)
    cases.status.set_value(frozenset({CaseStatus.CLOSED}))
    qtbot.waitUntil(lambda: cases.count.text().startswith("Aucun dossier"), timeout=5000)
    cases.status.set_value(frozenset())
    qtbot.waitUntil(lambda: shows([urgent, old]), timeout=5000)

    with qtbot.waitSignal(cases.search.searched, timeout=5000,
                          check_params_cb=lambda answer: answer.filters.text == "hervé"):
        type_text(qtbot, cases.search_field, "hervé")
    assert model.keys() == [old]
    cases.search_field.clear()
    with qtbot.waitSignal(cases.search.searched, timeout=5000,
                          check_params_cb=lambda answer: answer.filters.text == "MED"):
        type_text(qtbot, cases.search_field, "MED")
    cases.search_field.clear()
    type_text(qtbot, cases.search_field, f"MED-{TODAY.year}-00002")
    qtbot.waitUntil(lambda: shows([old]), timeout=5000)
    qtbot.keyClick(cases.search_field, Qt.Key.Key_Return)  # into the list, then open
    assert cases.table.hasFocus()
    qtbot.keyClick(cases.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.case_view.record is not None
                    and page.case_view.record.id == old, timeout=5000)


@pytest.mark.parametrize("role, label", [(Role.PARTNER, "Agent France Services"),
                                         (Role.ADVISER, "Conseiller")])
def test_roles_outside_the_team_get_the_services_refusal(qtbot, open_page, role, label):
    page = open_page(role, wait=False)
    qtbot.waitUntil(page.refusal.isVisible, timeout=5000)
    assert page.refusal.text() == (f"Votre rôle ({label}) ne permet pas de consulter les "
                                   "dossiers de médiation.")
    assert not page.tabs.isVisible()
    page.new_case()
    assert page.intake is None


def test_intake_errors_are_shown_beside_their_fields_and_nothing_is_written(
        qtbot, open_page, sqlite_store):
    page = open_page()
    qtbot.mouseClick(page.cases.new_button, Qt.MouseButton.LeftButton)
    intake = page.intake
    intake.received_on.setText("31/02/2026")
    type_text(qtbot, intake.representative_name, "Association Alpes Entraide")
    qtbot.mouseClick(intake.save_button, Qt.MouseButton.LeftButton)
    form = intake.form
    qtbot.waitUntil(lambda: form.field("summary").error.isVisibleTo(intake), timeout=5000)
    assert form.field("received_on").error_text() == (
        "Le 31/02/2026 n'existe pas : ce mois compte 28 jours.")
    assert form.field("channel").error_text() == "Choisissez le canal de la demande."
    assert form.field("person_id").error_text() == (
        "Choisissez le demandeur dans le registre des personnes.")
    assert form.field("motive_id").error_text() == "Choisissez le motif de la demande."
    assert "à quel titre" in form.field("representative_capacity").error_text()
    assert "corrigez les champs signalés" in intake.banner.text()
    with sqlite_store.session() as session:
        assert session.scalar(select(func.count()).select_from(MediationCase)) == 0


def test_ctrl_n_on_the_mediation_page_opens_the_intake_not_a_new_person(
        qtbot, make_context):
    from desktop.main_window import MainWindow

    window = MainWindow(make_context(Role.MEDIATOR))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_area("mediation")
    qtbot.waitUntil(page.tabs.isVisible, timeout=5000)
    page.cases.search_field.setFocus()
    qtbot.waitUntil(page.cases.search_field.hasFocus)
    qtbot.keyClick(page.cases.search_field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.intake is not None and page.intake.isVisible(), timeout=5000)
    assert window.current_area() == "mediation"
    assert window.page("people").dialog is None  # « Nouvelle personne » did not fire
    page.intake.reject()


def test_yearly_figures_are_shown_as_tables(qtbot, open_page, sqlite_store, gui_actors,
                                            qtmodeltester):
    person_id = add_person(sqlite_store, gui_actors[Role.ADVISER])
    add_case(sqlite_store, gui_actors, person_id)
    add_case(sqlite_store, gui_actors, person_id, "c2s", channel=MediationChannel.PHONE)
    page = open_page()
    page.tabs.setCurrentWidget(page.figures)
    figures = page.figures
    qtbot.waitUntil(lambda: figures.figures is not None, timeout=5000)
    assert figures.figures.year == TODAY.year and figures.figures.received == 2
    assert figures.state.text() == f"Demandes reçues en {TODAY.year}."
    motives = figures.models["by_motive"]
    assert motives.rowCount() == 2
    assert [motives.item(row, 1).text() for row in range(2)] == ["1", "1"]
    assert motives.item(0, 2).text() == "50,0\u00a0%"
    channels = figures.models["by_channel"]
    assert {channels.item(row, 0).text() for row in range(2)} == {"Courrier", "Téléphone"}
    for model in figures.models.values():
        qtmodeltester.check(model)
    figures.year.setValue(TODAY.year - 1)
    qtbot.waitUntil(lambda: figures.figures.year == TODAY.year - 1, timeout=5000)
    assert figures.state.text() == f"Aucune demande reçue en {TODAY.year - 1}."
    assert motives.rowCount() == 0


# -- the dialogs themselves ------------------------------------------------------------------

def test_step_dialogs_ask_what_each_step_needs(qtbot, open_page, sqlite_store, gui_actors):
    person_id = add_person(sqlite_store, gui_actors[Role.ADVISER])
    case_id = add_case(sqlite_store, gui_actors, person_id, court_action_pending=True)
    page = open_page()
    page.open_case(case_id)
    wait_status(qtbot, page.case_view, CaseStatus.RECEIVED)
    record = page.case_view.record

    inadmissible = StepDialog(Step.DECLARE_INADMISSIBLE, record, page)
    qtbot.addWidget(inadmissible)
    assert inadmissible.value().inadmissible_reason == "court_action"  # preset from intake

    close = StepDialog(Step.CLOSE, record, page)
    qtbot.addWidget(close)
    assert close.outcome.values() == [None, CaseOutcome.WITHDRAWN, CaseOutcome.COURT_ACTION]
    assert close.errors() == {"outcome": "Choisissez l'issue du dossier."}
    close.outcome.set_value(CaseOutcome.WITHDRAWN)
    close.on.setText("31/13/2026")
    assert set(close.errors()) == {"on"}
    close.on.clear()
    assert close.errors() == {}
    value = close.value()
    assert (value.step, value.outcome, value.on) == (Step.CLOSE, CaseOutcome.WITHDRAWN, None)

    wait = StepDialog(Step.WAIT, record, page)
    qtbot.addWidget(wait)
    wait.waiting_on.set_value(WaitingOn.MEDICAL_SERVICE)
    wait.party.setText("ELSM de Grenoble")
    wait.follow_up.set_date(TODAY + timedelta(days=5))
    value = wait.value()
    assert (value.waiting_on, value.party, value.follow_up_on) == (
        WaitingOn.MEDICAL_SERVICE, "ELSM de Grenoble", TODAY + timedelta(days=5))

    reopen = StepDialog(Step.REOPEN, record, page)
    qtbot.addWidget(reopen)
    assert reopen.errors() == {"comment": "Indiquez pourquoi le dossier est rouvert."}

    answer = EntryDialog(CaseEventKind.ANSWER, [], page)
    qtbot.addWidget(answer)
    assert set(answer.errors()) == {"text", "party"}


def test_the_letter_dialog_previews_the_merged_template(qtbot, open_page, sqlite_store,
                                                         gui_actors):
    person_id = add_person(sqlite_store, gui_actors[Role.ADVISER])
    case_id = add_case(sqlite_store, gui_actors, person_id)
    with sqlite_store.unit(gui_actors[Role.MEDIATOR]) as unit:
        version = unit.session.get(MediationCase, case_id).version
        lifecycle.advance(unit, case_id, version,
                          StepInput(Step.DECLARE_ADMISSIBLE))
    page = open_page()
    dialog = LetterDialog(page._ctx, case_id,
                          [LetterKind.ACKNOWLEDGEMENT, LetterKind.ADMISSIBLE], page)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: f"MED-{TODAY.year}-00001" in dialog.preview.toPlainText(),
                    timeout=5000)
    assert "Éloïse LEFÈVRE" in dialog.preview.toPlainText()
    dialog.kind.set_value(LetterKind.ADMISSIBLE)
    dialog.text.setPlainText("Nous revenons vers vous sous quinze jours.")
    qtbot.waitUntil(lambda: "sous quinze jours" in dialog.preview.toPlainText(), timeout=5000)
    assert "recevable" in dialog.preview.toPlainText()
    assert dialog.value() == (LetterKind.ADMISSIBLE,
                              "Nous revenons vers vous sous quinze jours.")


@pytest.mark.parametrize("overdue, urgent, alert", [
    ((CRA_RUNNING_OUT,), False, "⚠ Délai CRA"),
    ((CRA_RUNNING_OUT, "relance"), True, "⚠ En retard · Urgent"),
    ((), True, "Urgent"),
])
def test_the_list_says_a_cra_delay_running_out_in_words(overdue, urgent, alert):
    row = SimpleNamespace(overdue=overdue, urgent=urgent)
    assert case_list.alert_text(row) == alert
    if overdue:
        assert case_list.alert_detail(row).startswith("En retard : " + overdue[0])
