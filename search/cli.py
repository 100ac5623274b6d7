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

from search.config import Settings, SettingError, resolve
from search.engine import Engine, EngineUnavailable, IndexBusy, IndexNeedsRebuild, open_engine, seeds_stale
from search.facets import FACETS
from search.ingest.catalog import CatalogError
from search.request import BadParameter, parse_request
from search.results import SearchResult

_seeds_option = click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path), default=None,
                             help="Folder of article files and catalog.toml [env HEMEROTECA_SEEDS; ./seeds]")
_index_option = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
                             help="Index folder of the embedded engine [env HEMEROTECA_INDEX; ./index]")


def _engine_options(command):
    """--engine, --opensearch-url and --opensearch-index (CONTRACT.md's configuration table)."""
    command = click.option("--opensearch-index", "opensearch_index", default=None,
                           help="OpenSearch index alias [env HEMEROTECA_OPENSEARCH_INDEX; hemeroteca]")(command)
    command = click.option("--opensearch-url", "opensearch_url", default=None,
                           help="OpenSearch cluster URL [env HEMEROTECA_OPENSEARCH_URL]")(command)
    return click.option("--engine", "engine", default=None,
                        help="whoosh (embedded, default) or opensearch [env HEMEROTECA_ENGINE]")(command)


def _settings(**given: object) -> Settings:
    try:
        return resolve(given)
    except SettingError as error:
        raise click.UsageError(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Hemeroteca: paragraph-level search for news archives."""


@main.command("index")
@_seeds_option
@_index_option
@_engine_options
@click.option("--full", is_flag=True, help="Rebuild from scratch instead of applying what changed")
def index_command(seeds_dir: Path | None, index_dir: Path | None, engine: str | None,
                  opensearch_url: str | None, opensearch_index: str | None, full: bool) -> None:
    """Bring the index up to date with the seeds (re-reading only what changed)."""
    settings = _settings(seeds_dir=seeds_dir, index_dir=index_dir, engine=engine,
                         opensearch_url=opensearch_url, opensearch_index=opensearch_index)
    report = _build(settings, open_engine(settings), full=full)
    sys.exit(1 if report.skipped else 0)


def _build(settings: Settings, engine: Engine, full: bool = False):
    if not settings.seeds_dir.is_dir():
        raise click.UsageError(f"no seeds folder at {settings.seeds_dir} (use --seeds DIR)")
    progress = _progress_printer() if sys.stderr.isatty() else None
    from search.changes import plan_changes  # the pipeline (NLTK): only a build needs it
    from search.pipeline_cache import CACHE_DIR
    try:
        # what changed since the index's build; the pipeline's cache lives beside the index
        changes = plan_changes(settings.seeds_dir, None if full else engine.seed_state(),
                               full=full, progress=progress,
                               cache_dir=settings.index_dir / CACHE_DIR)
        try:
            report = engine.apply(changes, progress=progress)
        except IndexNeedsRebuild as error:  # a damaged index: rebuilt from scratch
            click.echo(f"note: {error}: rebuilding it", err=True)
            changes = plan_changes(settings.seeds_dir, None, full=True, progress=progress,
                                   cache_dir=settings.index_dir / CACHE_DIR)
            report = engine.apply(changes, progress=progress)
    except CatalogError as error:
        _fail(f"{error}\nThe existing index was left as it was.")
    except (IndexBusy, EngineUnavailable) as error:
        _fail(str(error))
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.file}: {skipped.reason}", err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"{report.summary()} → {report.location}")
    return report


def _announce_build(settings: Settings, reason: str | None) -> None:
    """Say in plain words why the user waits: the first build, or a rebuild and its reason."""
    seeds = settings.seeds_dir
    shown = str(seeds) if seeds.is_absolute() or str(seeds).startswith(".") else f"./{seeds}"
    if reason is None or reason.startswith("no index"):
        click.echo(f"building the index from {shown} (first start)…", err=True)
    else:
        click.echo(f"rebuilding the index from {shown}: {reason}…", err=True)


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


def _facet_options(command):
    """One repeatable option per facet of search/facets.py (--actor, --year, --kind…)."""
    for facet in reversed(FACETS):
        command = click.option(f"--{facet.name}", f"facet_{facet.name}", multiple=True,
                               help=f"{facet.description[:1].upper()}{facet.description[1:]} (repeatable)")(command)
    return command


@main.command("search")
@click.argument("query", nargs=-1)
@_facet_options
@click.option("--date-from", "date_from", default=None, help="ISO date, inclusive")
@click.option("--date-to", "date_to", default=None, help="ISO date, inclusive")
@click.option("--sort", default=None, help="relevance (default), newest or oldest")
@click.option("--page", default=None, help="1-based page of results")
@click.option("--per-page", "per_page", default=None, help="Hits per page (1–100, default 10)")
@click.option("--like", default=None, help="A paragraph id: paragraphs similar to it")
@click.option("--mode", default=None, help="lexical (default) or hybrid (the semantic extra)")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON")
@_seeds_option
@_index_option
@_engine_options
def search_command(query: tuple[str, ...], date_from, date_to, sort, page, per_page, like, mode,
                   as_json: bool, seeds_dir: Path | None, index_dir: Path | None,
                   engine: str | None, opensearch_url: str | None, opensearch_index: str | None,
                   **facet_values: tuple[str, ...]) -> None:
    """Search the index, as /api/search does."""
    settings = _settings(seeds_dir=seeds_dir, index_dir=index_dir, engine=engine,
                         opensearch_url=opensearch_url, opensearch_index=opensearch_index)
    params = {"q": [" ".join(query)],
              **{facet.name: list(facet_values[f"facet_{facet.name}"]) for facet in FACETS},
              **{name: [value] for name, value in (("date_from", date_from), ("date_to", date_to),
                                                   ("sort", sort), ("page", page),
                                                   ("per_page", per_page), ("like", like),
                                                   ("mode", mode)) if value}}
    try:
        request = parse_request(params)
    except BadParameter as error:
        raise click.UsageError(str(error)) from None
    searcher = open_engine(settings)
    if settings.engine == "whoosh" and searcher.seed_state() is None:
        _announce_build(settings, seeds_stale(searcher, settings.seeds_dir))
        _build(settings, searcher)
    try:
        result = searcher.search(request)
    except EngineUnavailable as error:
        _fail(str(error))
    except BadParameter as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_result(result, color=sys.stdout.isatty()))


def format_result(result: SearchResult, color: bool = False) -> str:
    """A search result for a terminal: one block per hit, matches in bold (or [brackets]), and
    the page with how to get the next."""
    request = result.request
    first = (request.page - 1) * request.per_page + 1
    lines = [f"{result.total} paragraphs ({result.took_ms:.0f} ms)"]
    if result.notice:
        lines.append(f"note: {result.notice}")
    if result.interpretation:
        lines.append("read as: " + "; ".join(f"{r['words']} → {r['facet']} {r['value']}"
                                             for r in result.interpretation))
    if result.suggestion:
        lines.append(f"did you mean: {result.suggestion}")
    for number, hit in enumerate(result.hits, start=first):
        meta = " · ".join(str(part) for part in (hit.title, hit.publication, hit.date) if part)
        marked = re.sub(r"<mark>(.*?)</mark>",
                        (lambda m: click.style(m.group(1), bold=True)) if color else r"[\1]",
                        str(hit.highlight))
        lines += ["", f"{number}. {meta}  [{hit.id}]", f"   {html.unescape(marked)}"]
        names = [a["name"] for a in hit.actors] + hit.places
        if names:
            lines.append("   actors: " + ", ".join(names))
    if result.hits:
        last = first + len(result.hits) - 1
        footer = f"page {request.page} of {result.pages}: hits {first}–{last} of {result.total}"
        if request.page < result.pages:
            footer += f"; next: --page {request.page + 1}"
        lines += ["", footer]
    elif result.total and request.page > result.pages:
        lines += ["", f"page {request.page} is past the end: the last page is {result.pages} "
                      f"(--page {result.pages})"]
    return "\n".join(lines)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 127.0.0.1 keeps it private to this machine")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads of the waitress server")
@click.option("--watch", is_flag=True,
              help="Keep watching the seeds folder and update the index when it changes")
@click.option("--watch-interval", "watch_interval", default=2.0, show_default=True,
              type=click.FloatRange(0.1, 3600), help="Seconds between two looks at the seeds (--watch)")
@_seeds_option
@_index_option
@_engine_options
def serve_command(host: str, port: int, threads: int, watch: bool, watch_interval: float,
                  seeds_dir: Path | None, index_dir: Path | None, engine: str | None,
                  opensearch_url: str | None, opensearch_index: str | None) -> None:
    """Serve the web app, bringing the index up to date with the seeds first (and, with
    --watch, whenever they change: search/watch.py).

    Uses waitress (a dependency) and falls back to Flask's own server only if it is missing,
    never in debug mode; README "Serving publicly" says how to serve other machines."""
    settings = _settings(seeds_dir=seeds_dir, index_dir=index_dir, engine=engine,
                         opensearch_url=opensearch_url, opensearch_index=opensearch_index)
    searcher = open_engine(settings)
    try:
        reason = seeds_stale(searcher, settings.seeds_dir)
    except EngineUnavailable as error:
        _fail(str(error))
    if reason is not None:
        _announce_build(settings, reason)
        _build(settings, searcher)
    searcher.close()
    from web import create_app  # only serve needs the web package
    app = create_app({"SEEDS_DIR": str(settings.seeds_dir), "INDEX_DIR": str(settings.index_dir),
                      "ENGINE": settings.engine, "OPENSEARCH_URL": settings.opensearch_url,
                      "OPENSEARCH_INDEX": settings.opensearch_index, "AUTO_INDEX": False})
    click.echo(f"Hemeroteca on http://{host}:{port}/  (Ctrl+C to stop)", err=True)
    if watch:
        from search.watch import SeedWatcher
        SeedWatcher(settings, open_engine(settings), watch_interval,
                    log=lambda line: click.echo(line, err=True)).start()
        click.echo(f"watching {settings.seeds_dir} for changes", err=True)
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
    from search.actors.gazetteer import load_gazetteer
    from search.evaluation.actors import evaluate_actors, format_report
    from search.ingest import ingest_seeds
    settings = _settings(seeds_dir=seeds_dir)
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
@_engine_options
def eval_queries_command(judgments: tuple[Path, ...], seeds_dir: Path | None,
                         index_dir: Path | None, engine: str | None, opensearch_url: str | None,
                         opensearch_index: str | None) -> None:
    """nDCG@10, recall@20 and MRR per query, Hemeroteca vs a plain BM25 baseline (SQLite FTS5),
    then the ablation: the ranking before issue 13, + word forms, + irregular forms, + metadata
    words, + semantic."""
    from search.evaluation.ablation import build_ablation
    from search.evaluation.baseline import Fts5Baseline
    from search.evaluation.queries import (evaluate_queries, format_ablation, format_ndcg_by_query,
                                           format_report)
    settings = _settings(seeds_dir=seeds_dir, index_dir=index_dir, engine=engine,
                         opensearch_url=opensearch_url, opensearch_index=opensearch_index)
    searcher = open_engine(settings)
    try:
        if seeds_stale(searcher, settings.seeds_dir) is not None:
            _build(settings, searcher)
        paragraphs = _paragraphs_of(searcher)
    except EngineUnavailable as error:
        _fail(str(error))

    def hemeroteca(query: str, k: int) -> list[str]:
        request = parse_request({"q": [query], "per_page": [str(k)]})
        return [hit.id for hit in searcher.search(request).hits]

    baseline = Fts5Baseline(paragraphs)
    report = evaluate_queries(list(judgments), paragraphs,
                              {"hemeroteca": hemeroteca, "fts5-bm25": baseline.rank})
    click.echo(format_report(report))
    ablation = build_ablation(searcher, settings.seeds_dir)
    try:
        steps = evaluate_queries(list(judgments), paragraphs,
                                 {**ablation.systems, "fts5-bm25": baseline.rank})
    finally:
        ablation.close()
    click.echo("\nAblation (each row adds one change to the row above it):\n")
    click.echo(format_ablation(steps, ablation.unavailable))
    click.echo("\nnDCG@10 by query:\n")
    click.echo(format_ndcg_by_query(steps, ablation.unavailable))


def _paragraphs_of(engine: Engine) -> list:
    """Every paragraph of the index, in archive order, as Paragraph records."""
    from search.records import Paragraph
    return [Paragraph(id=p["id"], doc_id=doc["id"], position=p["position"], kind=p["kind"],
                      section=p["section"], text=p["text"])
            for doc in engine.documents() for p in engine.document(doc["id"])["paragraphs"]]


if __name__ == "__main__":  # pragma: no cover
    main()
