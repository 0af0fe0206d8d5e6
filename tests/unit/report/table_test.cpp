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
