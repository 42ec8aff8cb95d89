"""Command line: ``python -m sknn demo [section ...]``."""

import argparse

from . import __version__, demo


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m sknn", description=f"sknn {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo_parser = commands.add_parser("demo", help="train on bundled datasets and show it")
    demo_parser.add_argument("sections", nargs="*", help=f"any of {list(demo.SECTIONS)}")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo.run(args.sections)


if __name__ == "__main__":
    main()
