"""Sign-in, sign-out, CSRF, the language switch and the role-aware navigation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from app.services.demo import DEMO_PASSWORD, USERS
from app.web.account import safe_next
from tests.web.conftest import client_sign_in, sign_in

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize("username", [entry[0] for entry in USERS])
def test_every_demo_user_signs_in(page: Page, shot: Callable[[Page, str], Path], username: str):
    sign_in(page, username)
    full_name = next(entry[1] for entry in USERS if entry[0] == username)
    expect(page.locator(".who")).to_have_text(full_name)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    shot(page, f"beranda-{username}")


def test_wrong_password_is_refused_without_saying_which(page: Page):
    page.goto("/masuk")
    page.get_by_label("Nama pengguna").fill("pengguna")
    page.get_by_label("Kata sandi").fill("salah-sekali")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator(".flash-error")).to_have_text("Nama pengguna atau kata sandi salah.")
    assert page.url.endswith("/masuk")
    expect(page.get_by_label("Nama pengguna")).to_have_value("pengguna")


def test_pages_need_sign_in_and_come_back_after_it(page: Page):
    page.goto("/")
    assert "/masuk" in page.url
    assert "next=" in page.url
    page.get_by_label("Nama pengguna").fill("admin")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/masuk" not in url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Admin Sistem")


def test_sign_out_ends_the_session(page: Page):
    sign_in(page, "pengguna")
    page.get_by_role("button", name="Keluar").click()
    expect(page.locator(".flash-info")).to_have_text("Anda telah keluar.")
    page.goto("/")
    assert "/masuk" in page.url


def test_language_switch_to_english_and_back(page: Page, shot: Callable[[Page, str], Path]):
    sign_in(page, "pengguna")
    page.get_by_label("Bahasa").select_option("en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    shot(page, "beranda-english")
    page.get_by_label("Language").select_option("id")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def test_phone_layout_keeps_navigation_in_a_menu(phone: Page, shot: Callable[[Page, str], Path]):
    sign_in(phone, "admin")
    nav = phone.get_by_role("navigation", name="Navigasi utama")
    toggle = phone.get_by_role("button", name="Menu")
    expect(nav.get_by_role("link", name="Beranda")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(nav.get_by_role("link", name="Beranda")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    shot(phone, "beranda-ponsel")


def test_desktop_shows_the_navigation_without_a_menu_button(page: Page):
    sign_in(page, "admin")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    expect(nav.get_by_role("link", name="Beranda")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_a_post_without_csrf_token_is_refused(client: FlaskClient):
    response = client.post("/masuk", data={"username": "pengguna", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "Sesi formulir kedaluwarsa" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out
    response = client.post("/keluar")
    assert response.status_code == 400
    assert "Sesi formulir kedaluwarsa" in response.get_data(as_text=True)


def test_next_never_leaves_the_site():
    assert safe_next("/tugas?x=1") == "/tugas?x=1"
    for hostile in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", ""):
        assert safe_next(hostile) is None


def test_a_test_client_signs_in_and_posts_with_the_token(client: FlaskClient):
    token = client_sign_in(client, "pengguna")
    assert client.get("/").status_code == 200
    response = client.post("/bahasa", data={"lang": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)
