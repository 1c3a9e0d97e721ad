"""The instance page says which subprocess an open task sits in (issue 16, item 1)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.test_nested_tasks import ADMIN, deploy, start, work
from tests.conftest import Auth
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("demo")


def test_an_open_task_inside_a_subprocess_names_it(auth: Auth, client: FlaskClient) -> None:
    instance_id = start(auth, deploy(auth, "subproses"))
    token = client_sign_in(client, "pj.layanan")
    html = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    assert html.count("dalam subproses Penanganan") == 2  # open tasks and active elements
    assert 'data-drill="isi_catatan"' in html
    client.post("/bahasa", data={"lang": "en", "next": "/", "csrf_token": token})
    english = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    assert english.count("in subprocess Penanganan") == 2
    assert "Open the subprocess in the diagram" in english
    work(auth, instance_id, ADMIN, ["isi_catatan"])
    work(auth, instance_id, ADMIN, ["periksa_lapangan"])
    # the approval after the subprocess sits at the process's top level
    after = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    assert "Setujui" in after
    assert "in subprocess" not in after
    assert "data-drill" not in after
