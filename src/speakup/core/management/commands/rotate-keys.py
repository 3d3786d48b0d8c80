from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import Progress

from speakup.core import crypto

PROGRESS_FROM = 2_000


class Command(BaseCommand):
    help = (
        "Make a new key-encryption key current and re-wrap every data key under it. "
        "Old keys stay in the key file until you remove them (or use --retire-unused)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rewrap-only",
            action="store_true",
            help="Add no new key; finish re-wrapping under the current one (after a stop).",
        )
        parser.add_argument(
            "--retire-unused",
            action="store_true",
            help="Afterwards, remove old keys that no data key needs any more. Backups made "
            "while they were in use can then no longer be read.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, rewrap_only, retire_unused, batch_size, **options):
        path = crypto.kek_path()
        # Once a new key is current, every data key is due for re-wrapping.
        pending = crypto.pending_rewrap_count() if rewrap_only else crypto.wrapped_key_count()
        if self.stdout.isatty() and pending >= PROGRESS_FROM:
            with Progress(console=Console(file=self.stdout._out), transient=True) as progress:
                task = progress.add_task("Re-wrapping data keys", total=pending)
                result = crypto.rotate_keys(
                    batch_size=batch_size,
                    new_key=not rewrap_only,
                    on_batch=lambda n: progress.advance(task, n),
                )
        else:
            result = crypto.rotate_keys(batch_size=batch_size, new_key=not rewrap_only)

        current = result.new_kid or crypto.key_ring().current
        made = f"Made key {current} current" if result.new_kid else f"Key {current} is current"
        self.stdout.write(f"{made}; re-wrapped {result.total:,} data keys")
        for name, count in result.rewrapped.items():
            self.stdout.write(f"  {name}: {count:,}")

        old = sorted(set(crypto.key_ring().keys) - {current})
        if retire_unused:
            retired = crypto.retire_unused_keys()
            if retired:
                self.stdout.write(f"Removed unused keys {', '.join(retired)} from {path}")
            old = sorted(set(old) - set(retired))
        if old:
            self.stdout.write(
                f"Old keys {', '.join(old)} stay in {path} until an operator removes them: "
                "backups made before now still need them."
            )
