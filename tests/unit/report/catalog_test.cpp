// The preset catalog as text and JSON (report/catalog.hpp: `vramplan presets`, `show preset`).
#include <vramplan/report/catalog.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace vramplan;

namespace {

/// A catalog of two presets and nothing embedded.
Catalog two_presets() {
    Catalog c;
    c.add_profile(ProfileKind::preset,
                  nlohmann::json{{"id", "Small"}, {"description", "Four short requests."}, {"goal", "min_for_target"}, {"concurrency", 4},
                                 {"source", "unit test"}},
                  "small.json");
    c.add_profile(ProfileKind::preset,
                  nlohmann::json{{"id", "big"}, {"description", "The biggest KV cache."}, {"goal", "max_safe"}, {"margin_gib", 0.5},
                                 {"source", "unit test"}},
                  "big.json");
    return c;
}

} // namespace

TEST_CASE("report catalog: presets as an aligned list, by id", "[report][catalog]") {
    CHECK(render_preset_list(two_presets()) == "id                     goal            description\n"
                                               "big                    max_safe        The biggest KV cache.\n"
                                               "small                  min_for_target  Four short requests.\n");
}

TEST_CASE("report catalog: presets as JSON, as written, and one with its origin", "[report][catalog]") {
    const Catalog c = two_presets();
    const nlohmann::json list = preset_list_json(c);
    CHECK(list.at("schema_version").is_number_integer());
    REQUIRE(list.at("presets").size() == 2);
    CHECK(list.at("presets")[0].at("id") == "big");
    CHECK(list.at("presets")[1].at("id") == "Small"); // the file's spelling; ids compare lower-cased
    CHECK(list.at("presets")[1].at("concurrency") == 4);
    const nlohmann::json one = preset_entry_json(c.preset("SMALL"));
    CHECK(one.at("origin") == "small.json");
    CHECK(one.at("goal") == "min_for_target");
    CHECK_FALSE(one.contains("cuda_total_bytes"));
}
