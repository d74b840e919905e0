"""TransactionAwareTask: a task is sent once its transaction commits, never after a rollback, and
sending never raises when the broker is down (logged once)."""

import logging

import pytest
from celery import Task
from django.db import transaction

from planboard.celery import app as celery_app
from planboard.core.tasks import RECALCULATE_PLAN, TransactionAwareTask, registered


@celery_app.task(base=TransactionAwareTask, name="tests.planboard.echo", queued_what="the echo of")
def echo(value):
    return value


@pytest.fixture
def sent(monkeypatch):
    """What reaches the broker (Celery's own apply_async), instead of sending it."""
    calls = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args=None, kwargs=None, **options: calls.append(args))
    monkeypatch.setattr(type(registered("tests.planboard.echo")), "broker_unreachable", False)
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_task_is_sent_when_its_transaction_commits(sent):
    with transaction.atomic():
        echo.apply_async(args=[1])
        assert sent == []  # not while the data it is about is uncommitted
    assert sent == [[1]]


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_rolled_back_transaction_is_never_sent(sent):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            echo.apply_async(args=[2])
            raise RuntimeError("the save failed")
    assert sent == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_is_sent_at_once(sent):
    echo.apply_async(args=[3])
    assert sent == [[3]]


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_broker_is_logged_once_and_never_raises(monkeypatch, caplog):
    def refuse(self, args=None, kwargs=None, **options):
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(Task, "apply_async", refuse)
    monkeypatch.setattr(type(registered("tests.planboard.echo")), "broker_unreachable", False)
    with caplog.at_level(logging.ERROR, logger="planboard.core.tasks"):
        echo.apply_async(args=[4])
        echo.apply_async(args=[5])
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and failures[0].startswith("Could not queue the echo of 4")
    monkeypatch.setattr(Task, "apply_async", lambda self, args=None, kwargs=None, **options: None)
    assert registered("tests.planboard.echo").send_now([6]) is True
    assert type(registered("tests.planboard.echo")).broker_unreachable is False


def test_the_recalculation_is_registered_under_the_name_services_use():
    assert registered(RECALCULATE_PLAN).name == RECALCULATE_PLAN
    assert isinstance(registered(RECALCULATE_PLAN), TransactionAwareTask)
