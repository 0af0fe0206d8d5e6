#pragma once
/// Text fitted to a terminal: display width of UTF-8 text and word wrapping that never breaks a
/// word. Every text report and `--help` goes through these at the edge, with the width from
/// cli's terminal_width() (the terminal, else $COLUMNS, else 80).

#include <cstddef>
#include <string>
#include <string_view>

namespace vramplan {

/// Columns `text` takes on a terminal: one per UTF-8 code point (continuation bytes count
/// nothing). vramplan prints no wide, combining or control characters, so '…', '≥' and '×' are
/// one column each, as they are on every terminal.
[[nodiscard]] std::size_t display_width(std::string_view text);

/// One paragraph (no '\n') wrapped at spaces to at most `width` columns: the first line starts
/// with `first` (counted in the width), every continuation line with `hang` spaces. A word wider
/// than the room left stays whole on a line of its own (the only line that may exceed `width`).
/// Spaces between words on one line are kept as written; the spaces at a break are dropped, so no
/// line ends in a space. No break between a number and its unit ("0.74 GiB", "7.6 s", "50 %") or
/// between a flag and its number ("--max-model-len 2048", "-tp 2"). Lines are joined with '\n';
/// no final newline.
[[nodiscard]] std::string wrap_paragraph(std::string_view first, std::string_view text, std::size_t hang, std::size_t width);

/// Where continuation lines of `line` start when it has to be wrapped, in columns, or
/// std::string_view::npos when the line is an aligned table row and is kept whole. In order:
///  - a table row (two or more runs of 2+ spaces after the indentation, e.g. a breakdown row
///    `weights   2.88   13.0%`) is never wrapped: splitting it would misalign every column; nor
///    is a line indented past half the width (a table's header over its right-hand columns), nor
///    one holding a command users copy (`vllm serve …`): a terminal's soft wrap copies back as one
///    line, a hard break would split the command;
///  - a key-value row (one run of 2+ spaces, ending in the left half of the width:
///    `  block size   16 tokens (…)`, `  -g,--gpu TEXT   help`) hangs under the value;
///  - a bullet (`- `, `* `) hangs under the text after it;
///  - a tag (`note: `, `fix all: `, `predicted error: `: the text before the first ": ", at most
///    three words and 20 columns) hangs after it, when that is in the left half of the width;
///  - anything else keeps its indentation.
[[nodiscard]] std::size_t hang_column(std::string_view line, std::size_t width);

/// Rendered text fitted to `width` columns, line by line: a line that fits is unchanged, a longer
/// one is wrapped at spaces with hang_column()'s indentation, a table row stays whole. Existing
/// line breaks and blank lines are kept; a final newline stays.
[[nodiscard]] std::string wrap_text(std::string_view text, std::size_t width);

} // namespace vramplan
