"""Each reminder is sent once: a rerun, a redelivered task and a run that dies mid-way send no
message twice, counted in Django's outbox and on a real SMTP server (the `mailbox` fixture runs
each test on both). A send that fails is recorded as failed and sent on the next run.

The digest of 1 March 2024: Maria and Bob each own an initiative last updated 45 days before
(stale: 45 > 30), Sam is the liaison of their department, where Bob's second initiative has had
no update for 75 days (escalated: 75 > 2 x 30), so Sam gets it too.
"""

import datetime

import pytest
from django.core import mail

from initiatives.models import Initiative
from reports.models import ReminderLedgerEntry as Entry
from reports.reminders import ledger
from reports.reminders.services import reminders_send
from reports.tasks import send_stale_reminders
from tests.factories import DepartmentFactory, InitiativeFactory, MembershipFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 3, 1)
MARIA, BOB, SAM = ("maria@city.example",), ("bob@city.example",), ("sam@city.example",)


@pytest.fixture
def people():
    plan = PlanFactory()
    department = DepartmentFactory(name="Police")
    maria, bob, sam = (UserFactory(username=name) for name in ("maria", "bob", "sam"))
    MembershipFactory(user=sam, department=department, role="liaison")
    InitiativeFactory(plan=plan, owner=maria, department=department, last_update_on=TODAY - datetime.timedelta(45))
    InitiativeFactory(plan=plan, owner=bob, department=department, last_update_on=TODAY - datetime.timedelta(45))
    InitiativeFactory(plan=plan, owner=bob, department=department, last_update_on=TODAY - datetime.timedelta(75))
    return maria, bob, sam


def test_a_second_run_sends_nothing(people, mailbox):
    assert len(reminders_send(today=TODAY).sent) == 3
    second = reminders_send(today=TODAY)

    assert second.sent == []
    assert sorted(why for _, why in second.skipped) == ["already sent"] * 3
    assert sorted(mailbox()) == sorted([MARIA, BOB, SAM])
    # Maria and Bob: their digest; Bob also a digest part; Sam: one escalation, marked as liaison.
    assert Entry.objects.filter(state=Entry.State.SENT).count() == 3
    [escalation] = Entry.objects.filter(kind=Entry.Kind.ESCALATION)
    assert (escalation.recipient.username, escalation.audience) == ("sam", Entry.Audience.LIAISON)
    assert all(entry.message_id.endswith("@planboard.city.example>") and entry.sent_at for entry in Entry.objects.all())


def test_a_redelivered_task_sends_nothing_twice(people, mailbox):
    # Celery delivers the acks_late task again after the first run finished but was not acknowledged.
    assert send_stale_reminders.apply(kwargs={"today": TODAY.isoformat()}).get() == 3
    assert send_stale_reminders.apply(kwargs={"today": TODAY.isoformat()}).get() == 0

    assert sorted(mailbox()) == sorted([MARIA, BOB, SAM])


class WorkerLost(BaseException):
    """The worker killed mid-run (not an Exception: nothing in the run catches it)."""


def test_a_run_that_dies_after_a_send_is_redelivered_without_sending_it_again(people, mailbox, monkeypatch):
    maria, bob, sam = people
    record = ledger._record

    def dies_after_bobs_message_went_out(token, recipient, **fields):
        if recipient.user_id == bob.pk and fields.get("state") == Entry.State.SENT:
            raise WorkerLost
        return record(token, recipient, **fields)

    monkeypatch.setattr(ledger, "_record", dies_after_bobs_message_went_out)
    with pytest.raises(WorkerLost):
        send_stale_reminders.apply(kwargs={"today": TODAY.isoformat()}, throw=True)
    assert sorted(mailbox()) == sorted([MARIA, BOB])  # users in id order: Sam's turn never came

    monkeypatch.setattr(ledger, "_record", record)
    assert send_stale_reminders.apply(kwargs={"today": TODAY.isoformat()}).get() == 1  # the redelivery

    # Bob's message went out but was not recorded: it stays "sending" and is not sent again (at most once).
    assert sorted(mailbox()) == sorted([MARIA, BOB, SAM])
    assert Entry.objects.get(recipient=bob, kind=Entry.Kind.DIGEST).state == Entry.State.SENDING
    assert list(
        ledger.stuck_claims(older_than=datetime.timedelta(0)).values_list("recipient__username", flat=True)
    ) == ["bob"]


def test_a_failed_send_is_not_recorded_as_sent_and_goes_out_on_the_next_run(people, settings, monkeypatch):
    maria, bob, sam = people
    from django.core.mail.backends.locmem import EmailBackend

    send = EmailBackend.send_messages

    def refuses_bob(self, messages):
        if messages[0].to == ["bob@city.example"]:
            raise ConnectionRefusedError("The mail server refused the connection.")
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuses_bob)
    first = reminders_send(today=TODAY)
    assert [r.user_id for r, _ in first.failed] == [bob.pk]
    assert sorted(m.to[0] for m in mail.outbox) == ["maria@city.example", "sam@city.example"]
    failed = Entry.objects.get(recipient=bob)
    assert failed.state == Entry.State.FAILED and "refused" in failed.error and failed.sent_at is None

    monkeypatch.setattr(EmailBackend, "send_messages", send)
    second = reminders_send(today=TODAY)
    assert [r.user_id for r in second.reached] == [bob.pk]
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@city.example", "maria@city.example", "sam@city.example"]
    retried = Entry.objects.get(recipient=bob)
    assert (retried.state, retried.attempts, retried.error) == (Entry.State.SENT, 2, "")


def test_a_new_escalation_in_the_same_week_is_sent_alone(people):
    maria, bob, sam = people
    reminders_send(today=TODAY)
    mail.outbox.clear()
    marias = Initiative.objects.get(owner=maria)
    late = InitiativeFactory(
        plan=marias.plan,
        owner=maria,
        department=marias.department,
        code="NEW-1",
        last_update_on=TODAY - datetime.timedelta(80),
    )

    reminders_send(today=TODAY)

    # Maria's digest went out this week already; only the new escalation reaches Sam.
    [message] = mail.outbox
    assert message.to == ["sam@city.example"] and "NEW-1" in message.body
    assert Entry.objects.filter(kind=Entry.Kind.ESCALATION, initiative=late).count() == 1


def test_the_ledger_refuses_a_second_row_for_the_same_reminder(people):
    from django.db import IntegrityError, transaction

    maria, _, _ = people
    reminders_send(today=TODAY)
    row = Entry.objects.get(recipient=maria)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            recipient=maria, kind=row.kind, item_key=row.item_key, period_key=row.period_key, claimed_at=row.claimed_at
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_message_once(people):
    """Two workers (threads with their own connections) race: the unique constraint decides."""
    import threading

    from django.db import connection

    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(reminders_send(today=TODAY))
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(m.to[0] for m in mail.outbox) == ["bob@city.example", "maria@city.example", "sam@city.example"]
    assert sum(len(result.sent) for result in results) == 3
    assert Entry.objects.filter(state=Entry.State.SENT).count() == 3
