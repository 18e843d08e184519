"""Authentication backend and session store: Django's own (argon2 passwords, database sessions),
with the two reads every request makes (the session, then the user) done as one plain statement
each. The user's read also brings the facts the access policy needs (``access.load_user``)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils import timezone

from skreddersy.core import sql
from skreddersy.policy import access


class Backend(ModelBackend):
    """Django's ModelBackend (username and password, active users only); see the module."""

    def get_user(self, user_id):
        try:
            user = access.load_user(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None


class SessionStore(DatabaseSessionStore):
    """Django's database sessions; an unexpired session's data is read with one plain statement
    (writes, expiry and clean-up are Django's)."""

    def _get_session_from_db(self):
        model = self.model
        q = connection.ops.quote_name
        with sql.cursor(connection) as cur:
            cur.execute(
                f"SELECT session_data FROM {q(model._meta.db_table)} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cur.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
