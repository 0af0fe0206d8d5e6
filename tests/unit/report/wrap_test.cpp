// Terminal text (report/wrap.hpp): display width of UTF-8, word wrapping that never breaks a word,
// indentation kept on continuation lines, table rows left whole. Oracles counted by hand.
#include <vramplan/report/wrap.hpp>

#include <catch2/catch.hpp>

#include <string_view>

using namespace vramplan;

TEST_CASE("wrap: display width counts code points, not bytes", "[report][wrap]") {
    CHECK(display_width("") == 0);
    CHECK(display_width("abc") == 3);
    CHECK(display_width("\xE2\x80\xA6") == 1);                  // … (3 bytes)
    CHECK(display_width(">= \xE2\x89\xA5 2\xC3\x97") == 7);     // ">= ≥ 2×": 9 bytes
}

TEST_CASE("wrap: a paragraph breaks at spaces, never inside a word", "[report][wrap]") {
    // "the quick brown fox" at 10: "the quick" (9) + " brown" would be 15.
    CHECK(wrap_paragraph("", "the quick brown fox", 0, 10) == "the quick\nbrown fox");
    // Exactly the width fits: "aaaa bbbb" is 9.
    CHECK(wrap_paragraph("", "aaaa bbbb cc", 0, 9) == "aaaa bbbb\ncc");
    // Spaces inside a line are kept, the ones at a break dropped.
    CHECK(wrap_paragraph("", "a  b   cccccc", 0, 8) == "a  b\ncccccc");
}

TEST_CASE("wrap: a word longer than the width stays whole on its own line", "[report][wrap]") {
    CHECK(wrap_paragraph("", "go abcdefghijklmnop now", 0, 8) == "go\nabcdefghijklmnop\nnow");
    // First word too long for the first line: it stays there (nothing to break before it).
    CHECK(wrap_paragraph("", "abcdefghijkl x", 0, 5) == "abcdefghijkl\nx");
    // A hang wider than the room left: the word still comes whole.
    CHECK(wrap_paragraph("key ", "aaa bbbbbbbbbb", 4, 8) == "key aaa\n    bbbbbbbbbb");
}

TEST_CASE("wrap: the first prefix counts, continuation lines hang", "[report][wrap]") {
    // "  -x TEXT     " is 14 columns; at 24 ten are left: "one two" (7), then "three" hangs at 14.
    CHECK(wrap_paragraph("  -x TEXT     ", "one two three four", 14, 24) ==
          "  -x TEXT     one two\n"
          "              three four");
}

TEST_CASE("wrap: UTF-8 characters count one column each", "[report][wrap]") {
    // "≥ 1… ≥ 2…": each "≥" and "…" is one column; "≥ 1… ≥" is 6 columns (12 bytes).
    CHECK(wrap_paragraph("", "\xE2\x89\xA5 1\xE2\x80\xA6 \xE2\x89\xA5 2\xE2\x80\xA6", 0, 6) ==
          "\xE2\x89\xA5 1\xE2\x80\xA6 \xE2\x89\xA5\n2\xE2\x80\xA6");
    // Byte counting would have broken "a×b c×d" (11 bytes, 7 columns) at 7.
    CHECK(wrap_text("a\xC3\x97" "b c\xC3\x97" "d\n", 7) == "a\xC3\x97" "b c\xC3\x97" "d\n");
}

TEST_CASE("wrap: hang columns by the shape of the line", "[report][wrap]") {
    constexpr std::size_t npos = std::string_view::npos;
    CHECK(hang_column("plain words here", 80) == 0);
    CHECK(hang_column("    indented words", 80) == 4);
    CHECK(hang_column("  block size   16 tokens (default)", 80) == 15);   // key-value: under the value
    CHECK(hang_column("weights   2.88   13.0%", 80) == npos);              // a table row
    CHECK(hang_column("  - max_gpu_memory_utilization: too high", 80) == 4); // bullet
    CHECK(hang_column("note: vLLM subtracts", 80) == 6);                    // tag
    CHECK(hang_column("    fix: more GPUs", 80) == 9);
    CHECK(hang_column("supercalifragilistic: word", 80) == 0);              // a 22-column tag is too long
    CHECK(hang_column("  predicted error: The model", 80) == 19);           // a tag of two words
    CHECK(hang_column("or, pinning the KV cache: vllm", 80) == 0);         // five words: a clause, no tag
    CHECK(hang_column("key                                        value", 80) == 0);   // value past half the width
}

TEST_CASE("wrap: text keeps its line breaks, blank lines and final newline", "[report][wrap]") {
    CHECK(wrap_text("", 10).empty());
    CHECK(wrap_text("short\n\nlines\n", 10) == "short\n\nlines\n");
    CHECK(wrap_text("no final newline here", 10) == "no final\nnewline\nhere");
    // Two paragraphs: each wrapped on its own, the break between them kept.
    CHECK(wrap_text("aaa bbb ccc\nddd eee fff\n", 8) == "aaa bbb\nccc\nddd eee\nfff\n");
}

TEST_CASE("wrap: text hangs notes and values, keeps table rows whole", "[report][wrap]") {
    // 30 columns: "note: one two three four five" is 29 and fits; with " six" it is 33.
    CHECK(wrap_text("note: one two three four five six\n", 30) ==
          "note: one two three four five\n"
          "      six\n");
    // Indentation kept: "   x" continues at 3.
    CHECK(wrap_text("   aaaa bbbb cccc dddd\n", 12) == "   aaaa bbbb\n   cccc dddd\n");
    // Key-value: the value column is 9.
    CHECK(wrap_text("  rules  one two three four\n", 20) == "  rules  one two\n         three four\n");
    // A table row wider than the width is left as it is.
    const std::string row = "vLLM budget (0.50 x total)           11.09    50.0%\n";
    CHECK(wrap_text(row, 30) == row);
}

TEST_CASE("wrap: a number keeps its unit and a flag its value", "[report][wrap]") {
    // At 12 "held 0.74" (9) would fit, but "GiB," belongs to 0.74.
    CHECK(wrap_paragraph("", "held 0.74 GiB, free", 0, 12) == "held\n0.74 GiB,\nfree");
    CHECK(wrap_paragraph("", "restore 7.6 s)", 0, 10) == "restore\n7.6 s)");
    // A word that only starts like a unit is a word: "source" after 2 is no "s".
    CHECK(wrap_paragraph("", "at 2 sources", 0, 5) == "at 2\nsources");
    // "--max-model-len 2048" is one unit; "-tp 1" too; "(default)" is not the flag's.
    CHECK(wrap_paragraph("", "-tp 1 --max-model-len 2048 (default)", 0, 22) == "-tp 1\n--max-model-len 2048\n(default)");
    // A flag that ends a phrase, a flag followed by a word, and negative numbers, glue nothing.
    CHECK(wrap_paragraph("", "use --check: 2 logs", 0, 12) == "use --check:\n2 logs");
    CHECK(wrap_paragraph("", "a --width allowed", 0, 10) == "a --width\nallowed");
    CHECK(wrap_paragraph("", "free -4.44 GiB", 0, 6) == "free\n-4.44 GiB");
}

TEST_CASE("wrap: a command users copy is kept whole", "[report][wrap]") {
    const std::string serve = "  vllm serve org/model --gpu-memory-utilization 0.87 --max-model-len 32768\n";
    CHECK(hang_column(serve.substr(0, serve.size() - 1), 40) == std::string_view::npos);
    CHECK(wrap_text(serve, 40) == serve);
}

TEST_CASE("wrap: a line indented past half the width is a table header, kept whole", "[report][wrap]") {
    // compare's header over two columns: 12 spaces, "u 0.3", a gap, "u 0.5" (27 columns) at 20.
    const std::string header = "            u 0.3   u 0.5\n";
    CHECK(hang_column(header.substr(0, header.size() - 1), 20) == std::string_view::npos);
    CHECK(wrap_text(header, 20) == header);
}
