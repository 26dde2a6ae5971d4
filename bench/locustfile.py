"""Locust users for bench/bench_load.py (run by it; not on its own).

MixUser: a realistic mix of logged-in people and administrators opening shared records.
TrivialUser: the same server's ceiling, a trivial Django view (robots.txt).

Both are FastHttpUsers (geventhttpclient): the load generator shares the measured cores, and
requests-based users cost it about as much CPU a request as the server spends on the mix, more
the more users it runs (docs/PERFORMANCE.md, issue #19 §2).
"""

import json
import os
import random
from http.cookiejar import Cookie
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, task
from locust.contrib.fasthttp import FastHttpSession

SEED = json.loads(open(os.environ["CREDO_LOAD_SEED"]).read())  # noqa: SIM115 (read once at import)
CSRF = "c" * 32


def cookie(host: str, name: str, value: str) -> Cookie:
    """A cookie for the host, as the browser holds it after signing in."""
    return Cookie(0, name, value, None, False, urlsplit(host).hostname or "", False, False, "/", True,
                  False, None, True, None, None, {})  # fmt: skip


class MixUser(FastHttpUser):
    wait_time = constant(0)  # back to back: the server, not think time, sets the pace

    def on_start(self) -> None:
        self.person = random.choice(SEED["people"])
        self.client.cookiejar.set_cookie(cookie(self.host, "sessionid", self.person["session"]))
        self.client.cookiejar.set_cookie(cookie(self.host, "csrftoken", CSRF))
        self.headers = {"X-CSRFToken": CSRF, "Referer": self.host}
        # Shared records are opened by someone without an account (a principal): a client of
        # its own, without the person's cookies.
        self.visitor = FastHttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/me/", name="dashboard")

    @task(4)
    def module_page(self) -> None:
        self.client.get(f"/modules/{SEED['module']}/", name="module page")

    @task(2)
    def assessment_answer(self) -> None:
        question, choice = random.choice(SEED["answers"])
        self.client.post(
            f"/modules/{SEED['module']}/assessment/",
            data={"action": "save", f"q{question}": str(choice)},
            headers={**self.headers, "X-Requested-With": "fetch"},
            name="assessment answer (autosave)",
        )

    @task(2)
    def check_in(self) -> None:
        """As a browser does it: the code is posted, the answer redirects to the attendance page,
        which shows the result. Each of the two requests counts as one, as in the ceiling."""
        with self.client.post(
            "/attendance/", data={"code": SEED["code"]}, headers=self.headers, name="attendance check-in (POST)",
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code == 302 and response.headers.get("Location") == "/attendance/":
                response.success()
            else:
                response.failure(f"check-in answered {response.status_code}")
                return
        with self.client.get(
            "/attendance/", name="attendance page (after check-in)", catch_response=True
        ) as page:
            if "You are checked in" in page.text or "Already recorded" in page.text:
                page.success()
            else:
                page.failure("the attendance page did not show the check-in")

    @task(2)
    def record(self) -> None:
        self.client.get("/me/record/", name="record")

    @task(2)
    def shared_record(self) -> None:
        self.visitor.get(f"/records/{self.person['share']}/", name="shared record")


class TrivialUser(FastHttpUser):
    wait_time = constant(0)  # back to back: the server, not think time, sets the pace

    @task
    def robots(self) -> None:
        self.client.get("/robots.txt", name="trivial view")
