"""Placeholder."""

from django.http import Http404


def search_register(request, *args, **kwargs):
    raise Http404


def show_director(request, *args, **kwargs):
    raise Http404


def show_code(request, *args, **kwargs):
    raise Http404


def download_open_data(request, *args, **kwargs):
    raise Http404
