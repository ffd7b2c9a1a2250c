"""`kiosk law list|show`: the offences, their penalty tiers and the articles the product applies."""

from __future__ import annotations

import argparse
import sys

from kiosk.cli import add_json_flag, print_json
from kiosk.law import law_as_json, load_law


def register(commands: argparse._SubParsersAction) -> None:
    law = commands.add_parser("law", help="the law in force: offences, penalty ranges, articles")
    sub = law.add_subparsers(dest="law_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="offences with their tiers and ranges (yuan, days)")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)
    show = sub.add_parser("show", help="the text of one article")
    show.add_argument("article", type=int, metavar="ARTICLE", help="the article number, e.g. 51")
    show.add_argument("--lang", choices=["zh", "en"], default="zh")
    show.set_defaults(handler=run_show)


def run_list(args: argparse.Namespace) -> int:
    law = load_law()
    if args.json:
        print_json(law_as_json(law))
        return 0
    print(f"{law.name['zh']} ({law.version}, in force since {law.in_force.isoformat()})")
    for offence in law.offences:
        print(f"\n{offence.id}  {offence.name['zh']}  Art. {offence.article}")
        for tier in offence.tiers:
            ranges = []
            if tier.detention_days:
                ranges.append(f"detention {tier.detention_days.low}-{tier.detention_days.high} d")
            if tier.fine:
                ranges.append(f"fine {tier.fine.low}-{tier.fine.high} yuan")
            track = "" if tier.fast_track else "  (not fast-track)"
            print(f"  {tier.id:<11} {f' {tier.combine} '.join(ranges)}{track}")
    print("\nmitigation (Art. 20; --mitigation): "
          + ", ".join(ground.id for ground in law.mitigation))
    return 0


def run_show(args: argparse.Namespace) -> int:
    law = load_law()
    try:
        article = law.article(args.article)
    except KeyError:
        known = ", ".join(str(a.number) for a in law.articles)
        print(f"article {args.article} is not in the law data (known: {known})", file=sys.stderr)
        return 1
    print(f"{law.citation(article.number, args.lang)} {article.title[args.lang]}")
    print(article.text[args.lang])
    return 0
