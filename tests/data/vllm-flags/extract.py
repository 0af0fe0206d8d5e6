#!/usr/bin/env python3
"""Lists every flag of `vllm serve` on vLLM main: one line per flag, the long form then its short
forms ("--tensor-parallel-size -tp"). Reads vllm/engine/arg_utils.py (EngineArgs.add_cli_args:
every add_argument call) and vllm/entrypoints/openai/cli_args.py (make_arg_parser's own flags
and the fields of BaseFrontendArgs / FrontendArgs, each registered as --field-name).

    python3 extract.py arg_utils.py cli_args.py > vllm-main-flags.txt
"""
import re
import sys


def add_argument_calls(text):
    for m in re.finditer(r"add_argument\(", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        yield text[m.end():i - 1]


def flags_of_call(call):
    names = re.findall(r'"(-{1,2}[a-z][a-z0-9-]*)"', call.split("help=")[0])
    longs = [n for n in names if n.startswith("--")]
    shorts = [n for n in names if not n.startswith("--")]
    return longs, shorts


def frontend_fields(text):
    out = []
    for cls in ("BaseFrontendArgs", "FrontendArgs"):
        m = re.search(r"^class " + cls + r"\b.*?:\n(.*?)(?=^\S)", text, re.S | re.M)
        if m:
            out += ["--" + f.replace("_", "-") for f in re.findall(r"^    ([a-z][a-z0-9_]*): ", m.group(1), re.M)]
    return out


def main():
    flags = {}
    for path in sys.argv[1:]:
        text = open(path, encoding="utf-8").read()
        for call in add_argument_calls(text):
            longs, shorts = flags_of_call(call)
            for long in longs:
                flags.setdefault(long, set()).update(shorts)
        for long in frontend_fields(text):
            flags.setdefault(long, set())
    for long in sorted(flags):
        print(" ".join([long] + sorted(flags[long])))


main()
