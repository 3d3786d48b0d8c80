"""Placeholder."""

from django.http import Http404


def show_officer_dashboard(request, *args, **kwargs):
    raise Http404


def publish_code(request, *args, **kwargs):
    raise Http404


def open_case(request, *args, **kwargs):
    raise Http404


def show_case(request, *args, **kwargs):
    raise Http404
