"""``archiver wacz PATH -o OUT``: package crawls (and the WARCs their revisits need) as WACZ 1.1.1.

PATH is one crawl folder, or an output root holding several: then each crawl
becomes its own WACZ in the folder ``-o DIR`` (named after the crawl folder),
or all of them one WACZ with ``--combine -o FILE.wacz``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archiver.signing.options import SigningOptions, add_signing_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("wacz", help="package crawl folders as WACZ files",
                                   description="Build a WACZ with pages/pages.jsonl (pages and article text), "
                                               "the crawl's WARCs and the earlier WARCs its revisits refer to.")
    parser.add_argument("path", type=Path, metavar="PATH", help="a crawl folder, or an output root of several")
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="the .wacz file to write; for an output root, a folder for one WACZ per crawl")
    parser.add_argument("--combine", action="store_true",
                        help="package every crawl under an output root into one WACZ (-o FILE.wacz)")
    parser.add_argument("--title", help="package title (default: the crawl folder's name)")
    add_signing_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archiver.research.wacz import crawl_folders, package_crawl, package_crawls, validate
    from archiver.signing.keys import SigningKeyError
    from archiver.signing.signature import SigningError
    from archiver.signing.timestamps import TimestampError

    try:
        signer = SigningOptions.from_args(args).signer()
        if (args.path / "warc").is_dir():
            crawls, single = [args.path], True
        else:
            crawls, single = crawl_folders(args.path), False
            if not crawls:
                raise FileNotFoundError(f"no WARC files in {args.path}/warc and no crawl folders under "
                                        f"{args.path}; give a crawl folder or the output root of `archiver crawl`")
        to_file = args.output.suffix == ".wacz"
        if single or args.combine:
            output = args.output if to_file else args.output / f"{args.path.resolve().name}.wacz"
            written = [package_crawls(crawls, output, title=args.title or args.path.resolve().name, signer=signer)]
        elif to_file and len(crawls) > 1:
            raise ValueError(f"{args.path} holds {len(crawls)} crawls: {', '.join(c.name for c in crawls)}; "
                             "give -o DIR for one WACZ each, or --combine for one WACZ of them all")
        else:
            written = [package_crawl(crawl, args.output if to_file else args.output / f"{crawl.name}.wacz",
                                     title=args.title, signer=signer) for crawl in crawls]
        for path in written:
            validate(path)
    except (FileNotFoundError, ValueError, RuntimeError, SigningKeyError, SigningError, TimestampError) as exc:
        print(f"archiver wacz: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path} (validated{', signed' if signer else ''})", file=sys.stderr)
    return 0
