"""Placeholder."""

from django.http import Http404


def list_boards(request, *args, **kwargs):
    raise Http404


def show_board(request, *args, **kwargs):
    raise Http404


def add_appointment(request, *args, **kwargs):
    raise Http404


def end_appointment(request, *args, **kwargs):
    raise Http404


def import_board(request, *args, **kwargs):
    raise Http404


def record_fppt(request, *args, **kwargs):
    raise Http404
