"""`newsarchive eval`: newsarchive and a peer extractor side by side on an annotated corpus."""

from __future__ import annotations

import json
from pathlib import Path

import click

DEFAULT_CORPUS = "../shared/corpus/trafilatura-eval"
DEFAULT_LABELS = Path(__file__).resolve().parents[2] / "tests" / "labels" / "fields-gold.jsonl"


@click.command("eval")
@click.option("--corpus", default=DEFAULT_CORPUS, show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="A folder with gold.jsonl (url, page, with, without, ...) and its pages.")
@click.option("--against", default="trafilatura", show_default=True,
              help="The peer run in the same process ('none' for newsarchive alone).")
@click.option("--limit", type=int, help="Only the first N pages.")
@click.option("--worst", default=5, show_default=True, help="Worst pages listed per field.")
@click.option("--labels", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_LABELS, show_default=True,
              help="Hand labels for images, credits, comments and related blocks.")
def eval_cmd(corpus: Path, against: str, limit: int | None, worst: int, labels: Path) -> None:
    """Score extraction on a gold.jsonl corpus: body precision/recall/F1, comments found and
    leaked, title, date and author accuracy, pages per second, and the worst pages per field;
    then precision/recall of images, credits, comments and related blocks on the hand labels.

    Example: newsarchive eval --corpus ../shared/corpus/trafilatura-eval --against trafilatura
    """
    from newsarchive.evaluate import format_report, run_eval
    from newsarchive.evaluate_fields import format_fields, score_fields

    if not (corpus / "gold.jsonl").exists():
        raise click.UsageError(f"no gold.jsonl in {corpus}")
    peer = None if against.lower() == "none" else against
    try:
        report = run_eval(corpus, peer, limit)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(format_report(report, worst))
    if labels.exists() and limit is None:
        pages = [json.loads(x)["page"] for x in labels.read_text().splitlines() if x.strip()]
        if all((corpus / p).exists() for p in pages):  # labels are for this corpus
            click.echo(f"\nhand-labelled fields ({labels.name}, {len(pages)} pages):")
            click.echo(format_fields(score_fields(corpus, labels)))


COMMANDS = [eval_cmd]
