"""The ``hemeroteca`` command: index, search, serve, eval. Maps errors to exit codes.

Exit codes: 0 success; 1 something was skipped or failed (the message says what); 2 bad usage.
A user sees a message, never a traceback.
"""
from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import click

from search.ingest.catalog import CatalogError
from search.config import Settings, resolve
from search.engines.whoosh.generation import IndexMissing, open_current
from search.engines.whoosh.indexer import BuildReport, IndexBusy, build_index
from search.engines.whoosh.layout import current_generation, stale_reason
from search.engines.whoosh.query import BadParameter, parse_request
from search.engines.whoosh.searcher import SearchResult, run_search

_seeds_option = click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path), default=None,
                             help="Folder of article files and catalog.toml [env HEMEROTECA_SEEDS; ./seeds]")
_index_option = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
                             help="Index folder [env HEMEROTECA_INDEX; ./index]")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Hemeroteca: paragraph-level search for news archives."""


@main.command("index")
@_seeds_option
@_index_option
def index_command(seeds_dir: Path | None, index_dir: Path | None) -> None:
    """(Re)build the index from the seeds."""
    settings = resolve({"seeds_dir": seeds_dir, "index_dir": index_dir})
    report = _build(settings)
    sys.exit(1 if report.skipped else 0)


def _build(settings: Settings) -> BuildReport:
    if not settings.seeds_dir.is_dir():
        raise click.UsageError(f"no seeds folder at {settings.seeds_dir} (use --seeds DIR)")
    progress = _progress_printer() if sys.stderr.isatty() else None
    try:
        report = build_index(settings, progress=progress)
    except CatalogError as error:
        _fail(f"{error}\nThe existing index was left as it was.")
    except IndexBusy as error:
        _fail(str(error))
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.file}: {skipped.reason}", err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"indexed {report.documents} documents, {report.paragraphs} paragraphs, "
               f"{report.actors} actors in {report.seconds:.2f} s → {settings.index_dir}")
    return report


def _progress_printer():
    """A tqdm bar per stage of the build on stderr, with paragraphs per second."""
    from tqdm import tqdm
    bars: dict = {}

    def show(done: int, total: int, stage: str = "indexing") -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit=" paragraphs", unit_scale=True,
                                     file=sys.stderr, mininterval=0.25, dynamic_ncols=True)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
    return show


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@main.command("search")
@click.argument("query", nargs=-1)
@click.option("--actor", "actors", multiple=True, help="Canonical actor name (all must be named)")
@click.option("--place", "places", multiple=True, help="Place (all must be named)")
@click.option("--year", "years", multiple=True, help="Year (any of them)")
@click.option("--publication", "publications", multiple=True, help="Publication (any of them)")
@click.option("--sort", default=None, help="relevance (default), newest or oldest")
@click.option("--page", default=None)
@click.option("--per-page", "per_page", default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON")
@_seeds_option
@_index_option
def search_command(query: tuple[str, ...], actors, places, years, publications, sort, page, per_page,
                   as_json: bool, seeds_dir: Path | None, index_dir: Path | None) -> None:
    """Search the index, as /api/search does."""
    settings = resolve({"seeds_dir": seeds_dir, "index_dir": index_dir})
    params = {"q": [" ".join(query)], "actor": list(actors), "place": list(places),
              "year": list(years), "publication": list(publications),
              "sort": [sort] if sort else [], "page": [page] if page else [],
              "per_page": [per_page] if per_page else []}
    try:
        request = parse_request(params)
    except BadParameter as error:
        raise click.UsageError(str(error)) from None
    if current_generation(settings.index_dir) is None:
        click.echo("no index yet: building it from the seeds first", err=True)
        _build(settings)
    try:
        generation = open_current(settings.index_dir)
    except IndexMissing as error:
        _fail(str(error))
    result = run_search(generation, request)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_result(result, color=sys.stdout.isatty()))


def format_result(result: SearchResult, color: bool = False) -> str:
    """A search result for a terminal: one block per hit, matches in bold (or [brackets])."""
    lines = [f"{result.total} paragraphs ({result.took_ms:.0f} ms)"]
    if result.notice:
        lines.append(f"note: {result.notice}")
    if result.suggestion:
        lines.append(f"did you mean: {result.suggestion}")
    for number, hit in enumerate(result.hits, start=(result.request.page - 1) * result.request.per_page + 1):
        meta = " · ".join(str(part) for part in (hit.title, hit.publication, hit.date) if part)
        marked = re.sub(r"<mark>(.*?)</mark>",
                        (lambda m: click.style(m.group(1), bold=True)) if color else r"[\1]",
                        str(hit.highlight))
        lines += ["", f"{number}. {meta}  [{hit.id}]", f"   {html.unescape(marked)}"]
        names = [a["name"] for a in hit.actors] + hit.places
        if names:
            lines.append("   actors: " + ", ".join(names))
    return "\n".join(lines)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 127.0.0.1 keeps it private to this machine")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads of the waitress server")
@_seeds_option
@_index_option
def serve_command(host: str, port: int, threads: int, seeds_dir: Path | None,
                  index_dir: Path | None) -> None:
    """Serve the web app, building the index first when missing or older than the seeds.

    Uses waitress (a dependency) and falls back to Flask's own server only if it is missing,
    never in debug mode; README "Serving publicly" says how to serve other machines."""
    settings = resolve({"seeds_dir": seeds_dir, "index_dir": index_dir})
    reason = stale_reason(settings)
    if reason is not None:
        click.echo(f"building the index: {reason}", err=True)
        _build(settings)
    from web import create_app  # only serve needs the web package
    app = create_app({"SEEDS_DIR": str(settings.seeds_dir), "INDEX_DIR": str(settings.index_dir),
                      "AUTO_INDEX": False})
    click.echo(f"Hemeroteca on http://{host}:{port}/  (Ctrl+C to stop)", err=True)
    try:
        from waitress import serve
    except ImportError:
        serve = None
    if serve is not None:
        serve(app, host=host, port=port, threads=threads)
    else:
        click.echo("waitress is not installed (pip install waitress): using Flask's "
                   "development server", err=True)
        app.run(host=host, port=port, debug=False, threaded=True)


@main.group("eval")
def eval_group() -> None:
    """Measure actor extraction and ranking against judgment files."""


@eval_group.command("actors")
@click.argument("judgments", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_seeds_option
@click.option("--dictionary", type=click.Path(path_type=Path), default=None,
              help="Curated actor dictionary [SEEDS/actors.toml]; a missing file = none")
@click.option("--errors", "show_errors", is_flag=True, help="List each missed and spurious actor")
def eval_actors_command(judgments: tuple[Path, ...], seeds_dir: Path | None,
                        dictionary: Path | None, show_errors: bool) -> None:
    """Precision/recall/F1 of actors per type against JUDGMENTS (actors.json format)."""
    from search.actors.extractor import ActorExtractor
    from .evaluation.actors import evaluate_actors, format_report
    from search.actors.gazetteer import load_gazetteer
    from search.ingest.articles import ingest_seeds
    settings = resolve({"seeds_dir": seeds_dir})
    documents = ingest_seeds(settings.seeds_dir).documents
    if dictionary is None:
        extractor = ActorExtractor.from_seeds(settings.seeds_dir)
    else:
        extractor = ActorExtractor(load_gazetteer(dictionary if dictionary.exists() else None))
    for path in judgments:
        click.echo(f"== {path}")
        click.echo(format_report(evaluate_actors(path, documents, extractor), show_errors=show_errors))


@eval_group.command("queries")
@click.argument("judgments", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_seeds_option
@_index_option
def eval_queries_command(judgments: tuple[Path, ...], seeds_dir: Path | None,
                         index_dir: Path | None) -> None:
    """nDCG@10, recall@20 and MRR per query, Hemeroteca vs a plain BM25 baseline (SQLite FTS5)."""
    from .evaluation.baseline import Fts5Baseline
    from .evaluation.queries import evaluate_queries, format_report
    settings = resolve({"seeds_dir": seeds_dir, "index_dir": index_dir})
    if stale_reason(settings) is not None:
        _build(settings)
    generation = open_current(settings.index_dir)
    paragraphs = _paragraphs_of(generation)

    def hemeroteca(query: str, k: int) -> list[str]:
        request = parse_request({"q": [query], "per_page": [str(k)]})
        return [hit.id for hit in run_search(generation, request).hits]

    baseline = Fts5Baseline(paragraphs)
    report = evaluate_queries(list(judgments), paragraphs,
                              {"hemeroteca": hemeroteca, "fts5-bm25": baseline.rank})
    click.echo(format_report(report))


def _paragraphs_of(generation) -> list:
    """Every paragraph of the generation, in archive order, as Paragraph records."""
    from search.records import Paragraph
    return [Paragraph(id=p["id"], doc_id=doc_id, position=p["position"], kind=p["kind"],
                      section=p["section"], text=p["text"])
            for doc_id in generation.documents for p in generation.paragraphs(doc_id)]


if __name__ == "__main__":  # pragma: no cover
    main()
