"""`hungary56 web`: the story as a static site that plays in the browser (Pyodide), served locally
with --serve, or packaged for an LMS with --scorm."""

from __future__ import annotations

import argparse

from engine.commands.common import add_story_argument, load


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "web", help="the story as a website that plays in any browser, offline after the first visit",
        description="Write the story as a static website (-o DIR) that plays in the browser with the same "
        "engine, serve it on this computer (--serve), or wrap it as a SCORM 1.2 package for an LMS "
        "(--scorm -o FILE.zip). The site needs Pyodide's core, fetched once with npm into the user's "
        "cache, or given with --pyodide.",
    )
    add_story_argument(parser)
    parser.add_argument("-o", "--output", metavar="PATH", default=None,
                        help="the folder to write the site into (with --scorm: the .zip file to write)")
    parser.add_argument("--serve", action="store_true", help="serve the site on this computer until Ctrl-C")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to serve on (default: 127.0.0.1, this computer only)")
    parser.add_argument("--port", type=int, default=8056, help="the port to serve on (default: 8056; 0 picks a free one)")
    parser.add_argument("--scorm", action="store_true", help="write a SCORM 1.2 package (needs -o FILE.zip)")
    parser.add_argument("--pyodide", metavar="PATH", default=None,
                        help="Pyodide's files, for a computer without network: a folder such as node_modules/pyodide, "
                        "or the pyodide-VERSION.tgz from npm (default: the user's cache, else fetched with npm)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from engine.core.errors import UsageError, WebBuildError
    from engine.web import site

    if not args.output and not args.serve:
        raise UsageError("say where the site goes (-o DIR) or serve it (--serve)")
    if args.scorm and (not args.output or args.serve):
        raise UsageError("--scorm writes a package: give -o FILE.zip (and no --serve)")
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    story = load(args)
    from engine.web import pyodide

    if pyodide.fetch_needed(args.pyodide):
        print(f"Fetching Pyodide {pyodide.VERSION} with npm, once (about 6.5 MB; kept in {pyodide.cache_folder()})...",
              file=sys.stderr, flush=True)
    files = site.site_files(story, args.pyodide, scorm=args.scorm)
    raw, packed = site.transfer_size(files)
    size = f"{raw / 1e6:.1f} MB ({packed / 1e6:.1f} MB compressed)"
    if args.scorm:
        from engine.web import scorm

        scorm.write_package(story, files, Path(args.output))
        print(f"Wrote the SCORM 1.2 package {args.output}: {len(files)} files, {size}. Upload it to your LMS as "
              "a SCORM package; it reports 'completed' when a student reaches an ending.")
        return 0
    if args.output:
        site.write_site(files, Path(args.output))
        print(f"Wrote the site to {args.output}/: {len(files)} files, {size}. Put the folder on any web server "
              "(it needs HTTP; opening index.html as a file does not work), or try it with 'hungary56 web --serve'.")
    if args.serve:
        from engine.web import serve

        try:
            server = serve.make_server(files, args.host, args.port)
        except OSError as exc:
            raise WebBuildError(f"cannot serve on {args.host}:{args.port} ({exc.strerror or exc}); "
                                "try another --port") from None
        print(f"Serving {story.title} at {serve.address(server)} (open it in a browser; Ctrl-C stops).", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("Stopped.")
        finally:
            server.server_close()
    return 0
