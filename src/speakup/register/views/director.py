"""Placeholder."""

from django.http import Http404


def show_my_entry(request, *args, **kwargs):
    raise Http404


def attest_code(request, *args, **kwargs):
    raise Http404


def show_my_case(request, *args, **kwargs):
    raise Http404
