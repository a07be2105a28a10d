"""« Réglages »: which database, the default site and the theme.

A server password goes to the operating system's keyring, never into QSettings: the URL saved
carries no password. A database change takes effect at the next start.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL, make_url

from db.errors import GuichetError
from db.org import sites
from desktop import credentials, theme
from desktop import operations as ops
from desktop.settings import THEMES, Settings, server_account
from widgets.colours import error_color
from widgets.dialog_layout import GuardedDialog

DEFAULT_PORT = 5432


class SettingsDialog(GuardedDialog):
    """``ctx`` (optional) lets the dialog list the sites of the database in use."""

    def __init__(self, settings: Settings | None = None, ctx=None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setWindowTitle("Réglages")
        self._errors: dict[str, QLabel] = {}

        layout = QVBoxLayout(self)
        # grow when messages appear beside the fields, never squeeze the fields
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        database = self._database_box()
        database.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        layout.addWidget(database)
        layout.addWidget(self._general_box())
        note = QLabel("Un changement de base de données prend effet au prochain démarrage "
                      "de Guichet.", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(self)
        save = buttons.addButton("&Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        save.setDefault(True)
        buttons.addButton("&Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self._load()
        self.guard(self)  # every field of both boxes
        self.mark_clean()
        self._load_sites(ctx)

    # -- layout --------------------------------------------------------------------------
    def _field(self, form: QFormLayout, label: str, widget: QWidget, key: str,
               accessible: str, focus: QWidget | None = None) -> None:
        """A row with its message line underneath, empty until validation has something.

        ``focus`` is the control the label's shortcut leads to when ``widget`` is a row.
        """
        focus = focus or widget
        focus.setAccessibleName(accessible)
        error = QLabel(self)  # one short sentence: no word wrap, which would clip it
        error.setStyleSheet(f"color: {error_color(self.palette()).name()}")
        error.setAccessibleName(f"Erreur : {accessible}")
        error.hide()
        self._errors[key] = error
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        caption = QLabel(label, self)
        caption.setBuddy(focus)
        form.addRow(caption, column)

    def _database_box(self) -> QGroupBox:
        box = QGroupBox("Base de données", self)
        self.local_radio = QRadioButton("Fichier &local sur cet ordinateur", box)
        self.server_radio = QRadioButton("&Serveur PostgreSQL partagé", box)
        self._mode = QButtonGroup(self)
        self._mode.addButton(self.local_radio)
        self._mode.addButton(self.server_radio)

        self.path_edit = QLineEdit(box)
        browse = QPushButton("&Parcourir…", box)
        browse.setAccessibleName("Choisir le fichier de la base")
        browse.clicked.connect(self._browse)
        path_row = QWidget(box)
        row = QHBoxLayout(path_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.local_form = QFormLayout()
        self._field(self.local_form, "&Fichier :", path_row, "local_path",
                    "Fichier de la base de données", focus=self.path_edit)

        self.host_edit = QLineEdit(box)
        self.port_spin = QSpinBox(box)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setGroupSeparatorShown(False)
        self.database_edit = QLineEdit(box)
        self.user_edit = QLineEdit(box)
        self.password_edit = QLineEdit(box)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_form = QFormLayout()
        self._field(self.server_form, "Ser&veur :", self.host_edit, "host",
                    "Nom ou adresse du serveur")
        self._field(self.server_form, "P&ort :", self.port_spin, "port", "Port du serveur")
        self._field(self.server_form, "&Base :", self.database_edit, "database",
                    "Nom de la base sur le serveur")
        self._field(self.server_form, "&Utilisateur :", self.user_edit, "user",
                    "Utilisateur du serveur")
        self._field(self.server_form, "&Mot de passe :", self.password_edit, "password",
                    "Mot de passe du serveur")
        keyring_note = QLabel("Le mot de passe est gardé dans le trousseau du système, "
                              "jamais dans un fichier.", box)
        keyring_note.setWordWrap(True)
        self.server_form.addRow(keyring_note)

        self.local_widget = QWidget(box)
        self.local_widget.setLayout(self.local_form)
        self.server_widget = QWidget(box)
        self.server_widget.setLayout(self.server_form)
        layout = QVBoxLayout(box)
        layout.addWidget(self.local_radio)
        layout.addWidget(self.local_widget)
        layout.addWidget(self.server_radio)
        layout.addWidget(self.server_widget)
        self.local_radio.toggled.connect(self._mode_changed)
        return box

    def _general_box(self) -> QGroupBox:
        box = QGroupBox("Général", self)
        form = QFormLayout(box)
        self.site_combo = QComboBox(box)
        self.site_combo.addItem("Aucun", "")
        self._field(form, "Site par &défaut :", self.site_combo, "site", "Site par défaut")
        self.theme_combo = QComboBox(box)
        for key, label in THEMES.items():
            self.theme_combo.addItem(label, key)
        self._field(form, "&Thème :", self.theme_combo, "theme", "Thème")
        return box

    # -- values --------------------------------------------------------------------------
    def _load(self) -> None:
        server = self.settings.database_mode == "server"
        (self.server_radio if server else self.local_radio).setChecked(True)
        self.path_edit.setText(str(self.settings.local_path))
        self.port_spin.setValue(DEFAULT_PORT)
        if self.settings.server_url:
            url = make_url(self.settings.server_url)
            self.host_edit.setText(url.host or "")
            self.port_spin.setValue(url.port or DEFAULT_PORT)
            self.database_edit.setText(url.database or "")
            self.user_edit.setText(url.username or "")
            if credentials.server_password(server_account(url)):
                self.password_edit.setPlaceholderText("Enregistré — laissez vide pour le garder")
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(self.settings.theme)))
        self._mode_changed()

    def _load_sites(self, ctx) -> None:
        if ctx is None:
            self.site_combo.setEnabled(False)
            self.site_combo.setToolTip("La liste des sites est disponible une fois connecté.")
            return
        self.site_combo.setEnabled(False)
        ops.query(ctx, sites.list_sites).on_success(self.set_sites).owned_by(self).run()

    def set_sites(self, summaries: list[sites.SiteSummary]) -> None:
        untouched = not self.has_changes()
        for site in summaries:
            self.site_combo.addItem(f"{site.name} ({site.kind_label})", str(site.id))
        chosen = self.site_combo.findData(self.settings.default_site_id)
        self.site_combo.setCurrentIndex(max(0, chosen))
        self.site_combo.setEnabled(True)
        if untouched:  # the saved site, shown once the list came: no change of the user's
            self.mark_clean()

    def _mode_changed(self) -> None:
        local = self.local_radio.isChecked()
        self.local_widget.setEnabled(local)
        self.server_widget.setEnabled(not local)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Fichier de la base de données", self.path_edit.text(),
            "Base Guichet (*.sqlite3 *.sqlite *.db);;Tous les fichiers (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.path_edit.setText(path)

    def server_url(self) -> URL:
        """The server address as saved: without password."""
        return URL.create(
            "postgresql",
            username=self.user_edit.text().strip() or None,
            host=self.host_edit.text().strip() or None,
            port=self.port_spin.value(),
            database=self.database_edit.text().strip() or None,
        )

    def validate(self) -> dict[str, str]:
        """French messages by field; shown beside the fields."""
        problems: dict[str, str] = {}
        if self.local_radio.isChecked():
            text = self.path_edit.text().strip()
            if not text:
                problems["local_path"] = "Indiquez le fichier de la base de données."
            elif Path(text).expanduser().is_dir():
                problems["local_path"] = "Ce chemin est un dossier : indiquez un fichier."
        else:
            host = self.host_edit.text().strip()
            if not host:
                problems["host"] = "Indiquez le nom ou l'adresse du serveur."
            elif any(c in host for c in " /@?#"):
                problems["host"] = "Nom de serveur invalide (sans espace ni « / », « @ »)."
            if not self.database_edit.text().strip():
                problems["database"] = "Indiquez le nom de la base sur le serveur."
            if not self.user_edit.text().strip():
                problems["user"] = "Indiquez l'utilisateur du serveur."
        self._show_errors(problems)
        return problems

    def _show_errors(self, problems: dict[str, str]) -> None:
        for key, label in self._errors.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)

    def save(self) -> None:
        if self.validate():
            return
        values = {
            "database_mode": "local" if self.local_radio.isChecked() else "server",
            "default_site_id": self.site_combo.currentData() or "",
            "theme": self.theme_combo.currentData(),
        }
        if self.local_radio.isChecked():
            values["local_path"] = str(Path(self.path_edit.text().strip()).expanduser())
        else:
            url = self.server_url()
            values["server_url"] = url.render_as_string(hide_password=False)
            password = self.password_edit.text()
            if password:
                try:
                    credentials.store_server_password(server_account(url), password)
                except GuichetError as error:
                    self._show_errors({"password": str(error)})
                    return
        changed_theme = values["theme"] != self.settings.theme
        self.settings.save(**values)
        if changed_theme:
            theme.apply_theme(QApplication.instance(), values["theme"])
        self.accept()
