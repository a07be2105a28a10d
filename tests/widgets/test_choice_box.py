"""The choice box hands values back as given, enums and UUIDs included."""

from __future__ import annotations

import enum
import uuid

from widgets.choice_box import ChoiceBox


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


def test_values_come_back_with_their_type_and_the_choice_survives_a_refill(qtbot):
    box = ChoiceBox()
    qtbot.addWidget(box)
    first, second = uuid.uuid4(), uuid.uuid4()
    box.set_choices([(first, "Un"), (second, "Deux")], empty="— Tous —")
    assert box.value() is None and box.currentText() == "— Tous —"
    assert box.set_value(second) and box.value() == second
    changes = []
    box.currentIndexChanged.connect(changes.append)
    box.set_choices([(uuid.uuid4(), "Trois"), (second, "Deux")], empty="— Tous —")
    assert box.value() == second and box.currentText() == "Deux" and changes == []
    box.set_choices([(first, "Un")], empty="— Tous —")
    assert box.value() is None and changes == [0]  # the choice had to change: said once
    assert not box.set_value(second)

    colours = ChoiceBox()
    qtbot.addWidget(colours)
    colours.set_choices([(Colour.RED, "Rouge"), (Colour.BLUE, "Bleu")])
    colours.setCurrentIndex(1)
    assert colours.value() is Colour.BLUE
