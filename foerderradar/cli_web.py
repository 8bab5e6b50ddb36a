"""``foerderradar serve`` and ``foerderradar staff``: the web app and its staff accounts.

``serve`` runs uvicorn only; it never starts the scheduler (that is ``foerderradar scheduler``,
a process of its own), so several web workers never run the weekly jobs twice.
"""

from __future__ import annotations

import os

import typer

from foerderradar.context import console, engine_from_settings, fail, settings_or_exit

PASSWORD_ENV = "FOERDERRADAR_STAFF_PASSWORD"


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("", help="Adresse (Vorgabe: FOERDERRADAR_WEB_HOST)."),
        port: int = typer.Option(0, help="Port (Vorgabe: FOERDERRADAR_WEB_PORT)."),
        workers: int = typer.Option(0, help="Anzahl Prozesse (Vorgabe: FOERDERRADAR_WEB_WORKERS)."),
    ) -> None:
        """Startet die Web-Anwendung (Review, Selbstverwaltung der Mitglieder, Feeds, API).

        Startet nie einen Scheduler.
        """
        import uvicorn

        settings = settings_or_exit()
        settings.signing_key()  # create the key file once here, not racily in several workers
        console.print(f"Förderradar Ruhr läuft auf http://{host or settings.web_host}:{port or settings.web_port}/")
        uvicorn.run(
            "web.app:app_from_environment",
            factory=True,
            host=host or settings.web_host,
            port=port or settings.web_port,
            workers=workers or settings.web_workers,
            proxy_headers=True,
            log_level="info",
        )

    staff = typer.Typer(help="Konten des RVR-Teams verwalten.", no_args_is_help=True)
    app.add_typer(staff, name="staff")

    @staff.command("add")
    def staff_add(
        email: str = typer.Argument(..., help="E-Mail-Adresse des Kontos."),
        role: str = typer.Option("curator", help="admin oder curator."),
        name: str = typer.Option("", help="Anzeigename."),
    ) -> None:
        """Legt ein Konto des RVR-Teams an (oder setzt das Passwort neu).

        Liest FOERDERRADAR_STAFF_PASSWORD, wenn gesetzt.
        """
        from sqlmodel import Session

        from web.auth import StaffError, add_staff

        password = os.environ.get(PASSWORD_ENV) or typer.prompt(
            "Passwort", hide_input=True, confirmation_prompt="Passwort wiederholen"
        )
        with Session(engine_from_settings()) as session:
            try:
                user = add_staff(session, email, password, role=role, name=name)
            except StaffError as exc:
                raise fail(str(exc), code=2) from None
            session.commit()
            console.print(f"Konto {user.email} ({user.role}) ist eingerichtet.")

    @staff.command("token")
    def staff_token(email: str = typer.Argument(..., help="E-Mail-Adresse des Kontos.")) -> None:
        """Erzeugt ein neues Token für die JSON-API und zeigt es einmal an (das alte wird ungültig)."""
        from sqlmodel import Session, select

        from store.models import AuditLog, StaffUser
        from web.auth import issue_api_token, normalise_email

        with Session(engine_from_settings()) as session:
            user = session.exec(select(StaffUser).where(StaffUser.email == normalise_email(email))).first()
            if user is None or not user.active:
                raise fail(f"Kein aktives Konto mit der Adresse {email!r}.", code=2)
            token = issue_api_token(session, user)
            session.add(
                AuditLog(actor=user.email, action="staff.api_token", object_type="staffuser", object_id=str(user.id))
            )
            session.commit()
        console.print("API-Token (wird nur jetzt angezeigt):")
        console.print(token, highlight=False, markup=False)
