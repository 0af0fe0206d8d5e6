#!/usr/bin/env python3
"""Lists the functions longer than a limit in C++ source files; exits 1 if there are any.

    scripts/function_lengths.py --max 80 src/core/*.cpp

A function's length counts its lines from the first line of its signature to its closing brace,
both included. Only definitions at file or namespace level are measured (free functions and
out-of-line members such as `Bytes WeightBreakdown::total() const`); a lambda or a local class
counts as part of the function it sits in. This is brace matching, not a C++ parser: comments,
string and character literals (raw strings included), digit separators and preprocessor lines are
blanked first, which is enough for this codebase's style. `--all` prints every function found.
"""

import argparse
import re
import sys

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def blank(text):
    """Returns `text` with comments, literals and preprocessor lines replaced by spaces.

    Newlines are kept, so offsets and line numbers of what remains are unchanged.
    """
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True

    def wipe(start, end):
        for k in range(start, min(end, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if c == "\n":
            at_line_start = True
            i += 1
            continue
        if at_line_start and c in " \t":
            i += 1
            continue
        if at_line_start and c == "#":
            # A preprocessor line, with its backslash continuations.
            j = i
            while j < n and not (text[j] == "\n" and text[j - 1] != "\\"):
                j += 1
            wipe(i, j)
            i = j
            continue
        at_line_start = False
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            wipe(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            wipe(i, j)
            i = j
        elif c == '"':
            # A raw string: R"delim( ... )delim", after an optional u8/u/U/L prefix.
            prefix = re.search(r"(?:u8|u|U|L)?R$", text[max(0, i - 3):i])
            if prefix and (i - len(prefix.group(0)) == 0 or not (text[i - len(prefix.group(0)) - 1].isalnum() or text[i - len(prefix.group(0)) - 1] == "_")):
                open_paren = text.find("(", i)
                delim = text[i + 1:open_paren]
                close = text.find(")" + delim + '"', open_paren)
                j = n if close < 0 else close + len(delim) + 2
            else:
                j = i + 1
                while j < n and text[j] != '"' and text[j] != "\n":
                    j += 2 if text[j] == "\\" else 1
                j += 1
            wipe(i + 1, j - 1)
            i = j
        elif c == "'":
            # A digit separator (1'000'000) or a character literal.
            k = i
            while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "_."):
                k -= 1
            if k < i and text[k].isdigit():
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            wipe(i + 1, j)
            i = j + 1
        else:
            i += 1
    return "".join(out)


def _matching(code, open_index, open_char, close_char):
    """The index of the bracket closing the one at `open_index` (len(code) when unclosed)."""
    depth = 0
    for k in range(open_index, len(code)):
        if code[k] == open_char:
            depth += 1
        elif code[k] == close_char:
            depth -= 1
            if depth == 0:
                return k
    return len(code)


def _function_name(header):
    """The name before the parameter list of a function header, or None when it is not one."""
    if re.match(r"\s*(namespace|struct|class|union|enum|extern)\b", header):
        return None
    # Operator symbols masked, so that `operator<`, `operator=` and `operator()` read as names.
    masked = re.sub(r"\boperator\s*(?:\(\)|\[\]|[<>=!+\-*/%&|^~]+)",
                    lambda m: "operator" + "@" * (len(m.group(0)) - len("operator")), header)
    depth = 0
    for k, ch in enumerate(masked):
        if ch in "<[":
            depth += 1
        elif ch in ">]":
            depth = max(0, depth - 1)
        elif ch == "=" and depth == 0:
            return None   # a variable: `const auto f = [](…) {…};`, `T x = T{…}`
        elif ch == "(" and depth == 0:
            before = header[:k].rstrip()
            names = re.findall(r"(?:~?[A-Za-z_][A-Za-z0-9_]*::)*(?:operator\s*\S+|~?[A-Za-z_][A-Za-z0-9_]*)$", before)
            return names[0] if names else None
    return None


def functions(code):
    """Yields (name, first offset, last offset) for each file- or namespace-level definition.

    Class bodies, function bodies and initializers are skipped whole, so every '{' this loop
    meets opens a namespace, a class, an initializer or a function, and every '}' closes a
    namespace.
    """
    i, n = 0, len(code)
    header_start = 0
    while i < n:
        c = code[i]
        if c in ";}":
            header_start = i + 1
        elif c == "(":
            i = _matching(code, i, "(", ")")   # default arguments may hold braces
        elif c == "{":
            header = code[header_start:i]
            if re.match(r"\s*(inline\s+)?namespace\b|\s*extern\b", header):
                header_start = i + 1
            else:
                name = _function_name(header)
                close = _matching(code, i, "{", "}")
                if name is not None and _member_initializer(header):
                    # `Foo::Foo() : m_x{1}, m_y(2) {`: a member's brace, not the body; go on.
                    i = close + 1
                    continue
                if name is not None:
                    yield name, header_start + (len(header) - len(header.lstrip())), close
                # A class or a variable's initializer ends at its ';', which starts the next header.
                i = close
                header_start = close + 1
        i += 1


def _member_initializer(header):
    """True when a function header ends at a member's brace in a constructor's initializer list."""
    k = header.find("(")
    after_params = header[_matching(header, k, "(", ")") + 1:]
    if not re.search(r"(?<!:):(?!:)", after_params):
        return False
    stripped = header.rstrip()
    return stripped[-1].isalnum() or stripped[-1] in "_>"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=80, help="longest allowed function, in lines (default 80)")
    parser.add_argument("--all", action="store_true", help="print every function with its length")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    too_long = 0
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            code = blank(f.read())
        for name, start, end in functions(code):
            first = code.count("\n", 0, start) + 1
            last = code.count("\n", 0, end) + 1
            length = last - first + 1
            if length > args.max:
                too_long += 1
                print(f"{path}:{first}: {name}: {length} lines (limit {args.max})")
            elif args.all:
                print(f"{path}:{first}: {name}: {length} lines")
    if too_long:
        print(f"{too_long} function(s) longer than {args.max} lines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
