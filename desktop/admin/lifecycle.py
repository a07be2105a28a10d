"""Administration › Données: how long each kind of data is kept, the purge (what would go,
then doing it), and the audit journal to export."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.lifecycle import purge, retention
from db.lifecycle.purge import PurgePlan
from db.lifecycle.retention import Retention, RetentionRecord
from db.org.access import Permission
from db.wording import NBSP, day, thousands
from desktop import operations as ops
from desktop.admin.common import Section, spin_box
from desktop.context import AppContext
from desktop.list_export import ExportButton
from widgets.date_field import DateField
from widgets.id_list_model import IdListModel, read_only_rows, size_columns

SOURCES = ("Durées par défaut : rendez-vous 2 ans et historique personnel 1 an (purge de RDV "
           "Service Public), journaux 6 mois à 1 an (CNIL, recommandation de 2021), file des "
           "messages envoyés, en échec ou retirés 3 mois (un rappel envoyé reste compté au "
           "tableau de bord tant que son rendez-vous est gardé). Aucun texte ne fixe la durée "
           "des dossiers de médiation : l'accueil la décide et l'écrit ici.")


class PurgePrompt:
    """The confirmation asked before purging (tests replace this class method)."""

    @classmethod
    def confirm(cls, parent: QWidget, plan: PurgePlan) -> bool:
        lines = "\n".join(f"• {kind.label}{NBSP}: {thousands(kind.count)}"
                          for kind in plan.kinds if kind.count)
        answer = QMessageBox.question(
            parent, "Purger les données anciennes",
            f"Ces données seront supprimées définitivement{NBSP}:\n{lines}\n\nLes chiffres "
            "du tableau de bord des mois concernés sont gardés tels quels. Purger maintenant ?")
        return answer == QMessageBox.StandardButton.Yes


class RetentionSection(Section):
    """The durations, in months."""

    FIELDS = (("appointments_months", "&Rendez-vous passés (et leurs préparations)"),
              ("callbacks_months", "Demandes de rappel, après leur &clôture"),
              ("pathways_months", "Lignes de &parcours, après leur issue"),
              ("mediation_months", "Dossiers de &médiation, après leur clôture"),
              ("audit_months", "&Journal d'audit"),
              ("messages_months", "Messages aux personnes, après leur &envoi"))

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Durées de conservation", Permission.ADMINISTER,
                         "Enregistrer les d&urées", parent)
        self.record: RetentionRecord | None = None
        self.spins = {name: spin_box(1, 240, " mois") for name, _label in self.FIELDS}
        for spin in self.spins.values():  # a few digits: the field need not span the page
            spin.setMaximumWidth(self.fontMetrics().averageCharWidth() * 14)
        for name, label in self.FIELDS:
            self.form.add(name, label, self.spins[name])
        self.never = QCheckBox("Ne jamais purger les dossiers de médiation (aucune durée fixée)",
                               self)
        self.never.toggled.connect(lambda on: self.spins["mediation_months"].setEnabled(not on))
        self.body.addWidget(self.never)
        note = QLabel(SOURCES, self)
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.finish()
        self.reload()

    def reload(self) -> None:
        self.query(retention.get_retention, self._show)

    def _show(self, record: RetentionRecord) -> None:
        self.record = record
        for name, spin in self.spins.items():
            spin.setValue(getattr(record.data, name) or 24)
        self.never.setChecked(record.data.mediation_months is None)

    def values(self) -> Retention:
        months = {name: spin.value() for name, spin in self.spins.items()}
        if self.never.isChecked():
            months["mediation_months"] = None
        return Retention(**months)

    def save(self) -> None:
        data, version = self.values(), self.record.version
        self.write(lambda unit: retention.save_retention(unit, data, version),
                   lambda _version: self.reload())

    def set_editable(self, editable: bool) -> None:
        for spin in self.spins.values():
            spin.setReadOnly(not editable)
        self.never.setEnabled(editable)


class PurgeSection(QGroupBox):
    """What the purge would remove today, by kind, then the purge itself. On a server the
    purge is the nightly job (``guichet purge``): the accounts may not delete."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__("Purge des données anciennes", parent)
        self.ctx = ctx
        self.plan: PurgePlan | None = None
        self.summary = QLabel("« Voir ce qui partirait » compte, par type, ce qui a dépassé "
                              "sa durée de conservation.", self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Ce que la purge supprimerait")
        self.preview_button = QPushButton("&Voir ce qui partirait", self)
        self.preview_button.clicked.connect(self.preview)
        self.purge_button = QPushButton("&Purger…", self)
        self.purge_button.setEnabled(False)
        self.purge_button.clicked.connect(self.run_purge)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.purge_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        if not ctx.store.is_sqlite:
            self.purge_button.hide()
            server = QLabel("Sur un serveur, la purge est la tâche de nuit « guichet purge » "
                            "(voir le README) : les comptes ne suppriment rien. Les nombres "
                            "montrés sont ceux que votre compte voit (la médiation n'y est "
                            "pas) ; « guichet purge --dry-run » les donne tous.", self)
            server.setWordWrap(True)
            layout.addWidget(server)

    def preview(self) -> None:
        ops.query(self.ctx, lambda unit: purge.plan(unit)).on_success(self._show) \
            .owned_by(self).run()

    def _show(self, plan: PurgePlan, done: bool = False) -> None:
        self.plan = plan
        lines = [f"{kind.label} ({kind.rule}"
                 f"{', avant le ' + day(kind.before) if kind.before else ''}){NBSP}: "
                 f"{thousands(kind.count)}" for kind in plan.kinds]
        head = (f"Purge faite le {day(plan.today)}{NBSP}: {thousands(plan.total)} supprimés."
                if done else f"Au {day(plan.today)}, partiraient{NBSP}:")
        self.summary.setText("\n".join([head, *lines]))
        self.purge_button.setEnabled(not done and plan.total > 0)

    def run_purge(self) -> None:
        if self.plan is None or not PurgePrompt.confirm(self, self.plan):
            return
        self.purge_button.setEnabled(False)
        ops.write(self.ctx, lambda unit: purge.purge(unit)) \
            .on_success(lambda plan: self._show(plan, done=True)) \
            .with_progress("Purge des données anciennes…", self).owned_by(self).run()


JOURNAL_SHOWN = 2_000  # the latest events of the period on screen; the export takes all


def journal_cell(row, column: int) -> str:
    from desktop.documents.lists import AUDIT

    value = AUDIT[column].value(row)
    return f"{value:%d/%m/%Y %H:%M:%S}" if isinstance(value, datetime) else str(value)


class JournalSection(QGroupBox):
    """The audit journal of a period, latest first, to read and export (who did what, when:
    ids and codes only)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        from desktop.documents.lists import AUDIT

        super().__init__("Journal d'audit", parent)
        self.ctx = ctx
        self.first_day, self.last_day = DateField(self), DateField(self)
        self.first_day.set_date(date.today() - timedelta(days=30))
        self.last_day.set_date(date.today())
        for field in (self.first_day, self.last_day):
            field.setMaximumWidth(self.fontMetrics().averageCharWidth() * 16)
            field.returnPressed.connect(self.load)
        self.first_day.setAccessibleName("Journal depuis le")
        self.last_day.setAccessibleName("Journal jusqu'au")
        self.show_button = QPushButton("Affic&her", self)
        self.show_button.clicked.connect(self.load)
        self.export_button = ExportButton(ctx, self._list_shown, self._suggested, self,
                                          "E&xporter le journal…")
        self.count = QLabel(self)
        self.count.setAccessibleName("Nombre d'évènements du journal")
        self._rows: dict = {}
        self.model = IdListModel([c.header for c in AUDIT],
                                 lambda keys: [self._rows[k] for k in keys if k in self._rows],
                                 lambda row: row.id, journal_cell, parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Journal d'audit, le plus récent d'abord")
        self.table.setMinimumHeight(self.fontMetrics().height() * 16)
        read_only_rows(self.table)
        size_columns(self.table, ("00/00/0000 00:00:00", "Anne-Sophie Lefèvre-Dupont",
                                  "sign_in_failed", "mediation_case",
                                  "00000000-0000-0000-0000-000000000000"))
        row = QHBoxLayout()
        for text, field in (("Du", self.first_day), ("au", self.last_day)):
            label = QLabel(text, self)
            label.setBuddy(field)
            row.addWidget(label)
            row.addWidget(field)
        row.addWidget(self.show_button)
        row.addWidget(self.export_button)
        row.addStretch()
        note = QLabel("Qui a fait quoi, quand, sur quel enregistrement : identifiants et codes, "
                      "jamais de NIR ni de texte libre. L'export prend toute la période.", self)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.count)
        layout.addWidget(self.table)
        layout.addWidget(note)

    def load(self) -> None:
        from db.lifecycle import journal

        starts, ends = self._period().bounds()
        ops.query(self.ctx, lambda unit: journal.journal(unit, starts, ends, JOURNAL_SHOWN + 1)) \
            .on_success(self._show).owned_by(self).run()

    def _show(self, rows: list) -> None:
        shown = rows[:JOURNAL_SHOWN]
        self._rows = {row.id: row for row in shown}
        self.model.set_keys([row.id for row in shown])
        self.count.setText(
            "Aucun évènement sur la période." if not rows else
            f"Les {thousands(JOURNAL_SHOWN)} derniers évènements de la période sont affichés."
            if len(rows) > JOURNAL_SHOWN else
            f"{thousands(len(rows))} évènement{'s' if len(rows) > 1 else ''}")

    def _period(self):
        from desktop.documents.lists import ListFilter

        try:
            return ListFilter(self.first_day.date(), self.last_day.date())
        except ValueError:
            return ListFilter()

    def _suggested(self) -> str:
        return f"journal-{date.today():%Y-%m-%d}"

    def _list_shown(self):
        from desktop.documents.lists import list_sheet

        wanted = self._period()
        return lambda unit: list_sheet(unit, "audit", wanted)


class DataTab(QScrollArea):
    """Administration › Données."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        content = QWidget()
        self.retention = RetentionSection(ctx, content)
        self.purge = PurgeSection(ctx, content)
        self.journal = JournalSection(ctx, content)
        layout = QVBoxLayout(content)
        for section in (self.retention, self.purge, self.journal):
            layout.addWidget(section)
        layout.addStretch()
        self.journal.load()
        self.setWidgetResizable(True)
        self.setWidget(content)
        self.setAccessibleName("Données : conservation, purge et journal d'audit")
