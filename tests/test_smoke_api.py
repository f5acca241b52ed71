"""A first end-to-end pass through the API on both databases."""

from __future__ import annotations

from .world import signal_body


def test_partner_registers_and_coordinator_reads(app_client, world):
    r = app_client.post("/api/v1/signalen", json=signal_body(), headers=world["woco"].headers)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    assert r.headers["Location"] == f"/api/v1/signalen/{sid}"
    got = app_client.get(f"/api/v1/signalen/{sid}", headers=world["coordinator"].headers)
    assert got.status_code == 200
    body = got.json()
    assert body["locatie"]["buurtcode"] == "BU99900101"
    assert body["status"] == "nieuw"
    assert [b["soort"] for b in body["betrokkenen"]] == ["persoon", "bedrijf", "voertuig"]
    assert body["betrokkenen"][2]["kenteken"] == "AB123C"
