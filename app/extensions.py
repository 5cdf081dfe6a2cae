"""Unbound extension instances; `create_app` binds them with `init_app`."""
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
compress = Compress()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
