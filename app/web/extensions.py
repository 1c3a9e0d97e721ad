"""The web extensions, created unbound and attached in `register_web`."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "account.login"
login_manager.login_message = "Silakan masuk terlebih dahulu. / Please sign in first."
login_manager.login_message_category = "info"
