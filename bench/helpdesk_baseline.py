"""django-helpdesk's own mail import (`manage.py get_email`) as a baseline for backlog intake.

Installed from PyPI into its own virtual environment (under the benchmark's cache folder),
configured as a small Django site with a SQLite database and one IMAP queue on the same
Dovecot mailbox. Its mails (the submitter's acknowledgement) go to Django's in-memory mail
backend: like ours, they are written but not sent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pengaduan-bench"
VENV = CACHE / "helpdesk-venv"
PACKAGE = "django-helpdesk==2.6.1"

SETTINGS = """
from pathlib import Path
HERE = Path(__file__).resolve().parent
SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware",
              "django.contrib.messages.middleware.MessageMiddleware"]
# Teams (pinax-teams) are off, as helpdesk's documentation shows for sites without them.
HELPDESK_TEAMS_MODEL = "auth.User"
HELPDESK_TEAMS_MIGRATION_DEPENDENCIES = []
HELPDESK_KBITEM_TEAM_GETTER = lambda _: None
ROOT_URLCONF = "bench_urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": HERE / "helpdesk.db"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "Asia/Makassar"
STATIC_URL = "/static/"
MEDIA_ROOT = HERE / "media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "pengaduan@kecamatan.test"
LOGGING = {"version": 1, "disable_existing_loggers": True}
"""

URLS = """
from django.urls import include, path
urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
"""

QUEUE = """
from helpdesk.models import Queue
Queue.objects.create(
    title="Pengaduan", slug="pengaduan", email_address="{address}", allow_email_submission=True,
    email_box_type="imap", email_box_host="127.0.0.1", email_box_port={port}, email_box_ssl=False,
    email_box_user="{address}", email_box_pass="{password}", email_box_imap_folder="INBOX",
    email_box_interval=0, logging_type="none")
"""

COUNT = """
from helpdesk.models import Ticket
print(Ticket.objects.count())
"""


class Helpdesk:
    """A django-helpdesk site whose queue reads `address` on the rig; `run()` imports once."""

    def __init__(self, folder: Path, port: int, address: str, password: str):
        self.folder = folder
        self.python = VENV / "bin" / "python"
        if not self.python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            subprocess.run([str(self.python), "-m", "pip", "install", "-q", PACKAGE], check=True,
                           stderr=subprocess.DEVNULL)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "bench_settings.py").write_text(SETTINGS)
        (folder / "bench_urls.py").write_text(URLS)
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": str(folder)}
        self._django("migrate", "--noinput")
        self._django("shell", "-c", QUEUE.format(address=address, port=port, password=password))
        shutil.copy(folder / "helpdesk.db", folder / "migrated.db")

    def version(self) -> str:
        out = subprocess.run([str(self.python), "-m", "pip", "show", "django-helpdesk", "django"],
                             capture_output=True, text=True, check=True).stdout
        versions = [line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Version:")]
        return f"django-helpdesk {versions[0]}, Django {versions[1]}"

    def _django(self, *args: str) -> str:
        done = subprocess.run([str(self.python), "-m", "django", *args], cwd=self.folder, env=self.env,
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"django-helpdesk: {' '.join(args[:1])} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def run(self) -> tuple[int, float]:
        """Import what waits in the INBOX into a fresh database: (tickets, seconds)."""
        shutil.copy(self.folder / "migrated.db", self.folder / "helpdesk.db")
        shutil.rmtree(self.folder / "media", ignore_errors=True)
        start = time.perf_counter()
        self._django("get_email", "--quiet")
        elapsed = time.perf_counter() - start
        return int(self._django("shell", "-c", COUNT).split()[-1]), elapsed
