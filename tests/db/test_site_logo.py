"""The office's logo on its letterhead: stored with the site, refused in French when it is
no PNG or JPEG, too heavy, damaged or too small — and nothing written then."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from db.errors import ValidationError
from db.org import logo, sites
from db.org.models import Site
from db.roles import Role
from tests.images import emblem


@pytest.fixture
def site_id(store):
    with store.session() as session:
        site = session.scalars(select(Site)).one()
        site.department = "38"  # the fixture's site lacks what an edit requires
        return site.id


def test_a_png_or_a_jpeg_is_a_logo():
    assert logo.check_logo(emblem()) == logo.Logo("PNG", 400, 240)
    assert logo.check_logo(emblem(300, 300, kind="JPEG")) == logo.Logo("JPEG", 300, 300)


@pytest.mark.parametrize("data, message", [
    (b"", "Le fichier choisi est vide"),
    (emblem(kind="GIF"), "n'est pas une image PNG ou JPEG"),
    (b"%PDF-1.7\n" + bytes(200), "n'est pas une image PNG ou JPEG"),
    (emblem()[:300], "endommagée ou illisible"),
    (emblem(12, 40), "16 au moins de côté"),
    (emblem(4200, 100), "4\u00a0000 au plus de côté"),
    (emblem()[:8] + bytes(logo.MAX_BYTES), "pèse 513\u00a0Ko\u00a0: 512\u00a0Ko au plus"),
])
def test_what_is_no_logo_is_refused_in_french(data, message):
    with pytest.raises(ValidationError) as refused:
        logo.check_logo(data)
    assert list(refused.value.field_errors) == ["letterhead_logo"]
    assert message in refused.value.field_errors["letterhead_logo"]


def test_a_logo_file_too_heavy_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(emblem() + bytes(3 * 1024 * 1024))
    with pytest.raises(ValidationError, match="pèse 3,0\u00a0Mo"):
        logo.read_logo(path)
    with pytest.raises(ValidationError, match=r"« absent\.png » ne peut pas être lu"):
        logo.read_logo(tmp_path / "absent.png")
    path.write_bytes(emblem())
    assert logo.read_logo(path) == emblem()


def test_a_file_s_weight_reads_as_an_office_reads_it():
    assert logo.size_text(300) == "1\u00a0Ko"
    assert logo.size_text(740 * 1024) == "740\u00a0Ko"
    assert logo.size_text(int(2.4 * 1024 * 1024)) == "2,4\u00a0Mo"


def test_the_logo_is_kept_with_the_site_and_can_be_taken_off(store, actors, site_id):
    admin = actors[Role.ADMIN]
    image = emblem()
    with store.unit(admin) as unit:
        site = sites.get_site(unit, site_id)
        assert site.data.letterhead_logo is None
        sites.save_site(unit, replace(site.data, letterhead_logo=image), site.id, site.version)
    with store.unit(admin) as unit:
        site = sites.get_site(unit, site_id)
        assert site.data.letterhead_logo == image
        sites.save_site(unit, replace(site.data, letterhead_logo=None), site.id, site.version)
    with store.unit(admin) as unit:
        assert sites.get_site(unit, site_id).data.letterhead_logo is None


def test_a_bad_logo_writes_nothing(store, actors, site_id):
    admin = actors[Role.ADMIN]
    with store.unit(admin) as unit:
        site = sites.get_site(unit, site_id)
    with pytest.raises(ValidationError) as refused, store.unit(admin) as unit:
        sites.save_site(unit, replace(site.data, city="Voiron", letterhead_logo=b"GIF89a"),
                        site.id, site.version)
    assert set(refused.value.field_errors) == {"letterhead_logo"}
    with store.unit(admin) as unit:
        assert sites.get_site(unit, site_id).data.city != "Voiron"


def test_the_list_of_sites_never_reads_a_logo(store, actors, site_id):
    with store.unit(actors[Role.ADMIN]) as unit:
        site = sites.get_site(unit, site_id)
        sites.save_site(unit, replace(site.data, letterhead_logo=emblem()), site.id,
                        site.version)
    with store.session() as session:
        row = session.scalars(select(Site)).one()
        assert "letterhead_logo" not in row.__dict__  # deferred
