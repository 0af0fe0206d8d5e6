// The multimodal flags as written (include/vramplan/io/mm_flags.hpp).
#include <vramplan/io/errors.hpp>
#include <vramplan/io/mm_flags.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

TEST_CASE("--limit-mm-per-prompt reads JSON, dummy sizes and vLLM 0.8's pairs", "[multimodal]") {
    MmSettings s = parse_mm_flags(R"({"image": 0, "video": 2})", "", "", false, false);
    CHECK(s.image_limit == std::uint64_t{0});
    CHECK(s.video_limit == std::uint64_t{2});
    s = parse_mm_flags(R"({"image": {"count": 3, "width": 512, "height": 256}})", "", "", false, false);
    CHECK(s.image_limit == std::uint64_t{3});
    CHECK(s.image_width == std::uint64_t{512});
    CHECK(s.image_height == std::uint64_t{256});
    s = parse_mm_flags("image=1,video=0", "", "", false, false);
    CHECK(s.image_limit == std::uint64_t{1});
    CHECK(s.video_limit == std::uint64_t{0});
    CHECK_THROWS_AS(parse_mm_flags("image", "", "", false, false), InputError);
    CHECK_THROWS_AS(parse_mm_flags(R"({"image": -1})", "", "", false, false), InputError);
}

TEST_CASE("--mm-processor-kwargs max_pixels, --mm-encoder-tp-mode and the switches", "[multimodal]") {
    const MmSettings s = parse_mm_flags("", R"({"max_pixels": 1003520, "min_pixels": 3136})", "data", true, true);
    CHECK(s.max_pixels == std::uint64_t{1003520});
    CHECK(s.encoder_data_parallel);
    CHECK(s.skip_profiling);
    CHECK(s.language_model_only);
    CHECK_THROWS_AS(parse_mm_flags("", "[1]", "", false, false), InputError);
    CHECK_THROWS_AS(parse_mm_flags("", "", "pipeline", false, false), InputError);
}
