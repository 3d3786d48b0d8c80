"""Celery tasks of the concerns app. Beat runs the tick every 15 minutes when a broker is set."""

from celery import shared_task

from speakup.concerns.services.deadlines import deadlines_tick
from speakup.training.reminders import training_reminders_send


@shared_task(name="concerns.tick")
def tick() -> list[str]:
    return deadlines_tick().lines() + training_reminders_send().lines()
