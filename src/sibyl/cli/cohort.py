"""Commands for the cohort in the store: referrals, enrolment, exits, returns, consent, activity.

A family's way in and through the programme (:mod:`sibyl.web.store.enrolment`). Families are
named by referral id or pseudonym; no command prints an identity code. Every change writes an
audit entry; ``--actor`` names who (default: the OS user).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sibyl.cli import app
from sibyl.cli.common import actor_name, console, open_store, parse_option_date
from sibyl.cli.store import ActorOption, ContractOption
from sibyl.errors import SibylInputError

referral_app = typer.Typer(
    help="Referrals: add or import (screened on the way in), override a decision.",
    no_args_is_help=True,
)
consent_app = typer.Typer(help="Consent for data processing.", no_args_is_help=True)
activity_app = typer.Typer(help="The providers' activity log.", no_args_is_help=True)
cohort_app = typer.Typer(help="The cohort at a glance.", no_args_is_help=True)
app.add_typer(referral_app, name="referral")
app.add_typer(consent_app, name="consent")
app.add_typer(activity_app, name="activity")
app.add_typer(cohort_app, name="cohort")

OnOption = Annotated[str, typer.Option("--on", help="The day (YYYY-MM-DD or D.M.YYYY).")]


def _day(text: str, option: str = "--on") -> date:
    day = parse_option_date(text, option)
    assert day is not None
    return day


def _today() -> date:
    from sibyl.register.reader import today_in_helsinki

    return today_in_helsinki()


def _contract(name: str):
    from sibyl.contract import load_contract

    return load_contract(name)


# ---------------------------------------------------------------------------------------------
# Referrals.


@referral_app.command("import")
def referral_import(
    file: Annotated[Path, typer.Argument(help="The referral file (CSV or .xlsx).", dir_okay=False)],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Screen and store a referral file (all or nothing); the referrer is the actor."""
    open_store()
    from sibyl.web.store.enrolment import import_referrals

    result = import_referrals(file, _contract(contract), actor=actor_name(actor))
    console.print(
        f"{file}: {len(result.stored)} referrals stored ({result.eligible} eligible, "
        f"{len(result.stored) - result.eligible} not), {result.already_stored} already stored.",
        highlight=False,
    )
    _print_referrals(result.stored)


def _print_referrals(rows) -> None:
    if not rows:
        return
    table = Table(title="Referrals", title_justify="left")
    for column in ("referral", "pseudonym", "referred on", "eligible", "failed"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(
                Text(str(x))
                for x in (
                    row.referral_id,
                    row.child.pseudonym,
                    row.referred_on,
                    "yes" if row.eligible else "no",
                    " ".join(row.failed),
                )
            )
        )
    console.print(table)


def _answers(args: list[str], contract) -> dict[str, bool]:
    """The contract's referral items from ``--ITEM`` (yes) and ``--no-ITEM`` (no) options, the
    item's code with dashes for underscores; an item not given is answered no."""
    from sibyl.eligibility import items_of

    items = {item.code.replace("_", "-"): item.code for item in items_of(contract)}
    answers = dict.fromkeys(items.values(), False)
    for arg in args:
        name = arg[2:] if arg.startswith("--") else None
        value = True
        if name is not None and name.startswith("no-") and name[3:] in items:
            name, value = name[3:], False
        if name not in items:
            options = ", ".join(f"--{option}" for option in items) or "none"
            raise SibylInputError(
                f"{arg!r} is neither an option of `sibyl referral add` nor a referral item of "
                f"the contract {contract.id}",
                None,
                f"answer the contract's items with {options} (or --no-ITEM), see "
                "`sibyl referral add --help`",
            )
        answers[items[name]] = value
    return answers


@referral_app.command(
    "add",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def referral_add(
    ctx: typer.Context,
    referral_id: Annotated[str, typer.Option("--referral-id", help="The referral's own id.")],
    hetu: Annotated[
        str, typer.Option(help="The child's identity code (sealed in the vault, never shown).")
    ],
    referred_on: Annotated[str, typer.Option("--referred-on", help="The referral date.")],
    district: Annotated[str, typer.Option(help="The district where the family lives.")],
    source: Annotated[
        str,
        typer.Option(
            help="early_childhood_education (varhaiskasvatus), child_health_clinic (neuvola), "
            "child_protection (lastensuojelu), school (koulu) or other (muu)."
        ),
    ],
    ongoing_services: Annotated[
        str,
        typer.Option(
            "--ongoing-services", help="Service codes with an ongoing episode, e.g. '2 5'."
        ),
    ] = "",
    referrer: Annotated[str | None, typer.Option(help="Who referred (default: the actor).")] = None,
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Screen and store one referral; prints the decision with each criterion's evidence.

    The referral's answers are the contract's own items, one option each: --ITEM for yes,
    --no-ITEM (or leaving it out) for no, the item's code with dashes for underscores; Helsinki's:
    --concentration, --behaviour, --social-interaction, --emotional-life, --parent-no-education,
    --parent-out-of-work, --parenting-difficulties, --stressful-life-situation (`sibyl contract
    show` lists a contract's items).
    """
    open_store()
    from sibyl.eligibility import Referral
    from sibyl.register.reader import IdentityChecker, temporary_codes_allowed
    from sibyl.register.referrals import SOURCE_ALIASES, parse_services, parse_source
    from sibyl.web.store.enrolment import refer

    loaded = _contract(contract)
    answers = _answers(list(ctx.args), loaded)
    code, reason = IdentityChecker(allow_temporary=temporary_codes_allowed(loaded, _today())).check(
        hetu.strip()
    )
    if code is None:
        raise SibylInputError(f"--hetu: {(reason or 'not a valid identity code').rstrip('.')}")
    kind = parse_source(source)
    if kind is None:
        raise SibylInputError(
            f"--source {source!r} is not a known referral source",
            None,
            f"use one of {', '.join(SOURCE_ALIASES)}",
        )
    services, bad = parse_services(ongoing_services, loaded)
    if services is None:
        raise SibylInputError(
            f"--ongoing-services: {bad!r} is not a service code of the contract {loaded.id}",
            None,
            "write the codes separated by spaces or commas",
        )
    row = refer(
        loaded,
        Referral(
            referral_id=referral_id.strip(),
            hetu=code,
            referred_on=_day(referred_on, "--referred-on"),
            district=district,
            referral_source=kind,
            answers=answers,
            ongoing_services=services,
        ),
        actor=actor_name(actor),
        referrer=referrer.strip() if referrer and referrer.strip() else None,
    )
    verdict = "eligible" if row.eligible else "not eligible (" + " ".join(row.failed) + ")"
    console.print(
        f"Referral {row.referral_id} of {row.child.pseudonym}: {verdict}.", highlight=False
    )
    table = Table(title="Criteria", title_justify="left")
    for column in ("criterion", "met", "evidence"):
        table.add_column(column, overflow="fold")
    for item in row.criteria:
        table.add_row(Text(item["code"]), "yes" if item["met"] else "no", Text(item["evidence"]))
    console.print(table)


@referral_app.command("override")
def referral_override(
    referral_id: Annotated[str, typer.Argument(help="The referral's id.")],
    eligible: Annotated[
        bool | None,
        typer.Option("--eligible/--not-eligible", help="The coordinator's decision."),
    ] = None,
    reason: Annotated[str, typer.Option(help="Why (required, kept for good).")] = "",
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Override a referral's screening decision, with a written reason that is kept."""
    if eligible is None:
        raise SibylInputError(
            "an override needs a decision", None, "give --eligible or --not-eligible"
        )
    open_store()
    from sibyl.web.store.enrolment import override

    override(_contract(contract).id, referral_id, eligible, reason, actor=actor_name(actor))
    console.print(
        f"Referral {referral_id} is now {'eligible' if eligible else 'not eligible'} "
        "(override recorded with its reason).",
        highlight=False,
    )


# ---------------------------------------------------------------------------------------------
# Enrolment, exits, returns, consent.


@app.command("enrol")
def enrol_command(
    referral_id: Annotated[
        str | None, typer.Argument(help="The referral to enrol (or --offer).")
    ] = None,
    on: OnOption = "",
    provider: Annotated[
        str | None, typer.Option(help="The provider the family is assigned to.")
    ] = None,
    offer: Annotated[
        bool,
        typer.Option(
            "--offer",
            help="Offer the free places to the waiting list in referral order "
            "(providers round-robin).",
        ),
    ] = False,
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Enrol a referral (consent given and follow-up from that day), or offer free places."""
    if not on:
        raise SibylInputError("the enrolment needs a date", None, "give --on YYYY-MM-DD")
    day = _day(on)
    open_store()
    from sibyl.web.store.enrolment import enrol, offer_places, waiting_list

    loaded = _contract(contract)
    if offer:
        if referral_id or provider:
            raise SibylInputError(
                "--offer enrols from the waiting list, so it takes no referral id or provider",
                None,
                "leave them out, or enrol one referral without --offer",
            )
        enrolled = offer_places(loaded, day, actor=actor_name(actor))
        for enrolment in enrolled:
            console.print(
                f"Enrolled {enrolment.referral.referral_id} ({enrolment.child.pseudonym}) on "
                f"{day.isoformat()} with {enrolment.provider}.",
                highlight=False,
            )
        console.print(
            f"{len(enrolled)} enrolled; {len(waiting_list(loaded.id, day))} still waiting.",
            highlight=False,
        )
        return
    if not referral_id or not provider:
        raise SibylInputError(
            "an enrolment needs a referral id and a provider",
            None,
            "give REFERRAL_ID and --provider NAME, or --offer to enrol from the waiting list",
        )
    enrolment = enrol(loaded, referral_id, day, provider, actor=actor_name(actor))
    console.print(
        f"Enrolled {referral_id} ({enrolment.child.pseudonym}) on {day.isoformat()} with "
        f"{enrolment.provider}; consent given and follow-up from that day.",
        highlight=False,
    )


@app.command("exit")
def exit_command(
    pseudonym: Annotated[str, typer.Argument(help="The child's pseudonym.")],
    on: OnOption,
    reason: Annotated[str, typer.Option(help="moved_out, died, consent_withdrawn or other.")],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Record an exit: the child is not in follow-up from that day."""
    day = _day(on)
    open_store()
    from sibyl.web.store.enrolment import exit_child

    exit_child(_contract(contract).id, pseudonym, day, reason.strip(), actor=actor_name(actor))
    console.print(
        f"{pseudonym} exited on {day.isoformat()} ({reason.strip()}); not in follow-up from "
        "that day.",
        highlight=False,
    )


@app.command("return")
def return_command(
    pseudonym: Annotated[str, typer.Argument(help="The child's pseudonym.")],
    on: OnOption,
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Record a return: a new follow-up spell from that day."""
    day = _day(on)
    open_store()
    from sibyl.web.store.enrolment import return_child

    return_child(_contract(contract), pseudonym, day, actor=actor_name(actor))
    console.print(
        f"{pseudonym} returned on {day.isoformat()}; in follow-up again from that day.",
        highlight=False,
    )


@consent_app.command("withdraw")
def consent_withdraw(
    pseudonym: Annotated[str, typer.Argument(help="The child's pseudonym.")],
    on: OnOption,
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Record a withdrawal of consent: follow-up ends that day."""
    day = _day(on)
    open_store()
    from sibyl.web.store.enrolment import withdraw_consent

    withdraw_consent(_contract(contract).id, pseudonym, day, actor=actor_name(actor))
    console.print(
        f"Consent of {pseudonym} withdrawn on {day.isoformat()}; follow-up ended that day.",
        highlight=False,
    )


# ---------------------------------------------------------------------------------------------
# Activity and the overview.


@activity_app.command("import")
def activity_import(
    file: Annotated[Path, typer.Argument(help="The activity file (CSV or .xlsx).", dir_okay=False)],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Store a provider's activity log (all or nothing)."""
    open_store()
    from sibyl.web.store.enrolment import import_activity

    result = import_activity(file, _contract(contract), actor=actor_name(actor))
    console.print(f"{file}: {result.rows} activities stored.", highlight=False)


@activity_app.command("summary")
def activity_summary_command(contract: ContractOption = "helsinki") -> None:
    """Contacts and minutes per family and month, by component."""
    open_store()
    from sibyl.web.store.enrolment import COMPONENTS, activity_summary

    table = Table(title="Activity per family and month", title_justify="left")
    for column in ("pseudonym", "month", "contacts", "minutes", *COMPONENTS):
        table.add_column(column, justify="left" if column in ("pseudonym", "month") else "right")
    for row in activity_summary(_contract(contract).id):
        table.add_row(
            Text(row.pseudonym),
            row.month,
            str(row.contacts),
            str(row.minutes),
            *(str(row.by_component[name]) for name in COMPONENTS),
        )
    console.print(table)


@cohort_app.command("show")
def cohort_show(
    on: Annotated[
        str | None, typer.Option("--on", help="The day (default: today in Helsinki).")
    ] = None,
    contract: ContractOption = "helsinki",
) -> None:
    """Capacity, enrolled, waiting, in follow-up, exits by reason, families without contact."""
    day = _day(on) if on else _today()
    open_store()
    from sibyl.web.store.enrolment import NO_CONTACT_DAYS, cohort_status

    status = cohort_status(_contract(contract), day)
    table = Table(title=f"Cohort on {day.isoformat()}", title_justify="left")
    table.add_column("")
    table.add_column("families", justify="right")
    rows: list[tuple[str, int]] = [
        ("capacity", status.capacity),
        ("referred", status.referrals),
        ("eligible", status.eligible),
        ("enrolled", status.enrolled),
        ("in follow-up", status.in_followup),
        ("waiting", status.waiting),
        *((f"  not eligible: {code}", n) for code, n in status.not_eligible.items()),
        *((f"  exited: {reason}", n) for reason, n in status.exited.items()),
        (f"without contact for {NO_CONTACT_DAYS} days", len(status.no_contact)),
    ]
    for label, count in rows:
        table.add_row(label, str(count))
    console.print(table)
    if status.waiting_ids:
        console.print("Waiting, in order: " + ", ".join(status.waiting_ids), highlight=False)
    if status.no_contact:
        silent = Table(
            title=f"Families without contact for {NO_CONTACT_DAYS} days", title_justify="left"
        )
        for column in ("pseudonym", "provider", "last contact", "days"):
            silent.add_column(column)
        for row in status.no_contact:
            silent.add_row(
                Text(row.pseudonym),
                Text(row.provider),
                row.last_contact.isoformat() if row.last_contact else "none",
                str(row.days),
            )
        console.print(silent)
