// The aligned text table (report/table.hpp): widths, alignment, separators, no trailing spaces.
#include <vramplan/report/table.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

TEST_CASE("table: columns take their widest cell, at least their minimum", "[report][table]") {
    TextTable t({{TextTable::Align::left, 3, ""}, {TextTable::Align::right, 4, " "}, {TextTable::Align::left, 0, "  "}});
    t.add_row({"id", "n", "note"});
    t.add_row({"longer", "12345", "x"});
    CHECK(t.render() == "id         n  note\n"
                        "longer 12345  x\n");
}

TEST_CASE("table: the indent prefixes every line and missing cells are empty", "[report][table]") {
    TextTable t({{TextTable::Align::right, 2, ""}, {TextTable::Align::right, 2, " "}});
    t.add_row({"a"});
    t.add_row({"b", "cd"});
    CHECK(t.render("> ") == ">  a   \n>  b cd\n");
}

TEST_CASE("table: a left-aligned last column is not padded", "[report][table]") {
    TextTable t({{TextTable::Align::left, 0, ""}, {TextTable::Align::left, 10, " "}});
    t.add_row({"k", "v"});
    CHECK(t.render() == "k v\n");
}

TEST_CASE("table: a table that fits renders as it is", "[report][table]") {
    TextTable t({{TextTable::Align::right, 0, ""}, {TextTable::Align::right, 0, " "}, {TextTable::Align::left, 0, "  "}});
    t.add_row({"k", "12", "ok"});
    CHECK(t.render_blocks(9, 1) == t.render());   // "k 12  ok" is 8
}

TEST_CASE("table: a wide table folds into column blocks that repeat the key", "[report][table]") {
    // Key "u" (4), then 8-wide columns after " ": the whole row is 4 + 9 + 9 + 8 = 30 columns.
    TextTable t({{TextTable::Align::right, 4, ""}, {TextTable::Align::right, 8, " "}, {TextTable::Align::right, 8, " "},
                 {TextTable::Align::left, 0, " "}});
    t.add_row({"u", "KV", "tokens", "verdict"});
    t.add_row({"0.50", "7.47", "279,840", "starts"});
    // At 22: the key (4) + KV (9) + tokens (9) = 22 fit; verdict goes to a second block.
    CHECK(t.render_blocks(22, 1) == "   u       KV   tokens\n"
                                    "0.50     7.47  279,840\n"
                                    "\n"
                                    "   u verdict\n"
                                    "0.50 starts\n");
    // At 10, each block still takes one column beside the key, even if it is wider than the width.
    CHECK(t.render_blocks(10, 1) == "   u       KV\n"
                                    "0.50     7.47\n"
                                    "\n"
                                    "   u   tokens\n"
                                    "0.50  279,840\n"
                                    "\n"
                                    "   u verdict\n"
                                    "0.50 starts\n");
}
