// The Hugging Face cache and environment (include/vramplan/io/hub.hpp), on fake caches laid out
// here exactly as huggingface_hub lays them out: models--ORG--NAME/{refs/main, blobs/ETAG,
// snapshots/SHA/FILE -> ../../blobs/ETAG}.
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/hub.hpp>
#include <vramplan/io/resolve.hpp>

#include <catch2/catch.hpp>

#include "../support/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

using namespace vramplan;
namespace fs = std::filesystem;

namespace {

using test::TempDir;

const std::string k_sha = "0123456789abcdef0123456789abcdef01234567";
const std::string k_other_sha = "89abcdef0123456789abcdef0123456789abcdef";

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

std::string le64(std::uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) {
        s[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    return s;
}

/// A safetensors file whose one tensor holds `data` bytes.
std::string safetensors(std::uint64_t data) {
    const std::string header = R"({"w":{"dtype":"U8","shape":[)" + std::to_string(data) + R"(],"data_offsets":[0,)" + std::to_string(data) + "]}}";
    return le64(header.size()) + header + std::string(data, '\0');
}

const char* k_config = R"({"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":64,"intermediate_size":128,
"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"vocab_size":1000,"max_position_embeddings":2048,
"torch_dtype":"bfloat16"})";

/// models--acme--tiny with refs/main -> k_sha, config.json and model.safetensors as blob links.
fs::path fake_cache(const fs::path& root) {
    const fs::path repo = root / "models--acme--tiny";
    write(repo / "refs" / "main", k_sha);
    write(repo / "blobs" / "c0ffee", k_config);
    write(repo / "blobs" / "5afe", safetensors(96));
    fs::create_directories(repo / "snapshots" / k_sha);
    fs::create_symlink("../../blobs/c0ffee", repo / "snapshots" / k_sha / "config.json");
    fs::create_symlink("../../blobs/5afe", repo / "snapshots" / k_sha / "model.safetensors");
    return repo;
}

HubEnv env_of(std::map<std::string, std::string> vars) {
    HubEnv e;
    e.vars = std::move(vars);
    return e;
}

} // namespace

TEST_CASE("hub: cache directory precedence follows huggingface_hub's constants.py", "[hub]") {
    CHECK(hub_cache_dir(env_of({{"HOME", "/home/u"}})) == fs::path("/home/u/.cache/huggingface/hub"));
    CHECK(hub_cache_dir(env_of({{"HOME", "/home/u"}, {"XDG_CACHE_HOME", "/xdg"}})) == fs::path("/xdg/huggingface/hub"));
    CHECK(hub_cache_dir(env_of({{"HOME", "/home/u"}, {"XDG_CACHE_HOME", "/xdg"}, {"HF_HOME", "/hf"}})) == fs::path("/hf/hub"));
    CHECK(hub_cache_dir(env_of({{"HOME", "/home/u"}, {"HF_HOME", "~/hf"}})) == fs::path("/home/u/hf/hub"));
    CHECK(hub_cache_dir(env_of({{"HF_HOME", "/hf"}, {"HUGGINGFACE_HUB_CACHE", "/legacy"}})) == fs::path("/legacy"));
    CHECK(hub_cache_dir(env_of({{"HF_HOME", "/hf"}, {"HUGGINGFACE_HUB_CACHE", "/legacy"}, {"HF_HUB_CACHE", "/cache"}})) == fs::path("/cache"));
}

TEST_CASE("hub: offline flag and endpoint", "[hub]") {
    CHECK_FALSE(hub_offline(env_of({})));
    CHECK(hub_offline(env_of({{"HF_HUB_OFFLINE", "1"}})));
    CHECK(hub_offline(env_of({{"HF_HUB_OFFLINE", "True"}})));
    CHECK_FALSE(hub_offline(env_of({{"HF_HUB_OFFLINE", "0"}})));
    CHECK(hub_offline(env_of({{"HF_HUB_OFFLINE", ""}, {"TRANSFORMERS_OFFLINE", "yes"}})));
    CHECK(hub_endpoint(env_of({})) == "https://huggingface.co");
    CHECK(hub_endpoint(env_of({{"HF_ENDPOINT", "http://mirror:8080//"}})) == "http://mirror:8080");
}

TEST_CASE("hub: token lookup order: HF_TOKEN, HF_TOKEN_PATH, HF_HOME/token", "[hub]") {
    TempDir dir("hub-token");
    write(dir.path / "hf" / "token", "from-home\n");
    write(dir.path / "explicit", "  from-path \n");
    const std::string home = (dir.path / "hf").string();
    const std::string path = (dir.path / "explicit").string();
    CHECK(hub_token(env_of({{"HF_TOKEN", "env"}, {"HF_TOKEN_PATH", path}, {"HF_HOME", home}})) == "env");
    CHECK(hub_token(env_of({{"HF_TOKEN", ""}, {"HF_TOKEN_PATH", path}, {"HF_HOME", home}})) == "from-path");
    CHECK(hub_token(env_of({{"HF_HOME", home}})) == "from-home");
    CHECK_FALSE(hub_token(env_of({{"HF_HOME", home}, {"HF_TOKEN_PATH", (dir.path / "missing").string()}})));
    CHECK_FALSE(hub_token(env_of({{"HF_HOME", (dir.path / "none").string()}})));
    CHECK(hub_token(env_of({{"HUGGING_FACE_HUB_TOKEN", "legacy"}, {"HF_HOME", home}})) == "legacy");
    // ~/.cache/huggingface/token when nothing is set.
    write(dir.path / "home" / ".cache" / "huggingface" / "token", "default");
    CHECK(hub_token(env_of({{"HOME", (dir.path / "home").string()}})) == "default");
}

TEST_CASE("hub: ORG/NAME[@REVISION] parsing", "[hub]") {
    auto id = parse_hub_model_id("Qwen/Qwen2.5-0.5B");
    REQUIRE(id);
    CHECK(id->repo == "Qwen/Qwen2.5-0.5B");
    CHECK(id->revision == "main");
    CHECK_FALSE(id->revision_given);
    id = parse_hub_model_id("acme/tiny@" + k_sha);
    REQUIRE(id);
    CHECK(id->repo == "acme/tiny");
    CHECK(id->revision == k_sha);
    CHECK(id->revision_given);
    id = parse_hub_model_id("acme/tiny@refs/pr/1");
    REQUIRE(id);
    CHECK(id->revision == "refs/pr/1");
    for (const char* bad : {"tiny", "a/b/c", "/tiny", "acme/", "acme/ti ny", "acme/tiny@", "acme/tiny@../x", "acme/tiny@a//b",
                            "acme/tiny@/x", "ac--me/tiny", "acme/.tiny", "acme/tiny-", "acme/t..iny", "acme/tiny@v1 "}) {
        INFO(bad);
        CHECK_FALSE(parse_hub_model_id(bad));
    }
    CHECK_FALSE(parse_hub_model_id("acme/" + std::string(100, 'x')));
}

TEST_CASE("hub: refs -> snapshot resolution", "[hub]") {
    TempDir dir("hub-refs");
    const fs::path repo = fake_cache(dir.path);
    CHECK(hub_repo_cache(dir.path, "acme/tiny") == repo);
    CHECK(hub_snapshot_dir(repo, "main") == repo / "snapshots" / k_sha);
    // A commit names its snapshot directly; an unknown revision or commit finds nothing.
    CHECK(hub_snapshot_dir(repo, k_sha) == repo / "snapshots" / k_sha);
    CHECK_FALSE(hub_snapshot_dir(repo, "v2"));
    CHECK_FALSE(hub_snapshot_dir(repo, k_other_sha));
    // A ref whose snapshot is gone, and a branch with '/' in its name.
    write(repo / "refs" / "old", k_other_sha);
    CHECK_FALSE(hub_snapshot_dir(repo, "old"));
    write(repo / "refs" / "refs" / "pr" / "1", k_sha + "\n");
    CHECK(hub_snapshot_dir(repo, "refs/pr/1") == repo / "snapshots" / k_sha);
    write(repo / "refs" / "broken", "not a sha");
    CHECK_THROWS_WITH(hub_snapshot_dir(repo, "broken"), Catch::Contains("refs/broken: expected a 40-hex commit sha, got 'not a sha'"));
    CHECK(parse_hub_ref(" " + k_sha + "\n", "r") == k_sha);
    CHECK_THROWS_AS(parse_hub_ref(k_sha.substr(1), "r"), InputError);
    CHECK_THROWS_AS(parse_hub_ref("0123456789ABCDEF0123456789ABCDEF01234567", "r"), InputError);
}

TEST_CASE("hub: a cached model resolves with the exact checkpoint size", "[hub]") {
    TempDir dir("hub-resolve");
    fake_cache(dir.path);
    const Catalog catalog = Catalog::load({});
    const HubEnv env = env_of({{"HF_HUB_CACHE", dir.path.string()}, {"HF_HUB_OFFLINE", "1"}});
    const ResolvedModel m = resolve_model(catalog, "acme/tiny", env);
    CHECK(m.origin == ModelOrigin::hf_cache);
    CHECK(m.label == "acme/tiny");
    CHECK(m.source == "Hugging Face cache " + (dir.path / "models--acme--tiny" / "snapshots" / k_sha).string());
    REQUIRE(m.checkpoint);
    CHECK(m.checkpoint->bytes == 96);
    CHECK(m.checkpoint->source == "1 safetensors header");
    CHECK(resolve_model(catalog, "acme/tiny@" + k_sha, env).label == "acme/tiny@" + k_sha);
    CHECK_THROWS_WITH(resolve_model(catalog, "acme/tiny@v2", env),
                      Catch::StartsWith("--model acme/tiny@v2: not in the Hugging Face cache (") && Catch::Contains("HF_HUB_OFFLINE is set"));
    // Ids the catalog knows resolve from the catalog when not cached, offline or not.
    CHECK(resolve_model(catalog, "Qwen/Qwen2.5-1.5B-Instruct", env).origin == ModelOrigin::catalog);
    CHECK(resolve_model(catalog, "qwen2.5-1.5b-instruct", env_of({{"HF_HUB_CACHE", dir.path.string()}, {"HF_ENDPOINT", "http://127.0.0.1:9"}}))
              .origin == ModelOrigin::catalog);
}

TEST_CASE("hub: a catalog id is taken from the cache when the cache has it", "[hub]") {
    TempDir dir("hub-catalog");
    const fs::path repo = dir.path / "models--Qwen--Qwen2.5-1.5B-Instruct";
    write(repo / "refs" / "main", k_sha);
    write(repo / "snapshots" / k_sha / "config.json", k_config);
    const Catalog catalog = Catalog::load({});
    const ResolvedModel m = resolve_model(catalog, "qwen2.5-1.5b-instruct", env_of({{"HF_HUB_CACHE", dir.path.string()}}));
    CHECK(m.origin == ModelOrigin::hf_cache);
    CHECK(m.label == "Qwen/Qwen2.5-1.5B-Instruct");
    CHECK_FALSE(m.checkpoint);
}

TEST_CASE("hub: snapshot checkpoint from headers, markers and the index", "[hub]") {
    TempDir dir("hub-checkpoint");
    const fs::path snap = dir.path / "snap";
    fs::create_directories(snap);
    CHECK_FALSE(snapshot_checkpoint_size(snap));
    const std::string index = R"({"metadata":{"total_size":500},"weight_map":{"a":"m-1.safetensors","b":"m-2.safetensors","c":"m-2.safetensors"}})";
    write(snap / "model.safetensors.index.json", index);
    // Only the index: its total.
    CHECK(snapshot_checkpoint_size(snap)->bytes == 500);
    // One shard file, one missing: still the index (a partial download is not the checkpoint).
    write(snap / "m-1.safetensors", safetensors(40));
    CHECK(snapshot_checkpoint_size(snap)->source == "model.safetensors.index.json metadata.total_size");
    // The other shard as vramplan's header marker: every shard known, the headers win.
    write(header_marker_path(snap, "m-2.safetensors"), header_marker_json({1000, 300}));
    const auto c = snapshot_checkpoint_size(snap);
    CHECK(c->bytes == 340);
    CHECK(c->source == "2 safetensors headers");
    write(header_marker_path(snap, "m-1.safetensors"), header_marker_json({1000, 999}));
    CHECK(snapshot_checkpoint_size(snap)->bytes == 340); // the file itself wins over a marker
}

TEST_CASE("hub: header marker and index shard parsing", "[hub]") {
    const SafetensorsHeaderMarker m = parse_header_marker(header_marker_json({1234, 1000}), "x");
    CHECK(m.file_size == 1234);
    CHECK(m.data_bytes == 1000);
    CHECK_THROWS_WITH(parse_header_marker(R"({"file_size":10,"data_bytes":11})", "x"), "x: /data_bytes: larger than /file_size");
    CHECK_THROWS_WITH(parse_header_marker(R"({"file_size":-1,"data_bytes":0})", "x"), "x: /file_size: expected a byte count up to 2^50");
    CHECK_THROWS_WITH(parse_header_marker("[]", "x"), "x: /file_size: expected a byte count up to 2^50");
    CHECK(parse_safetensors_index_shards(R"({"weight_map":{"a":"b.safetensors","c":"a.safetensors","d":"b.safetensors"}})", "i") ==
          std::vector<std::string>{"a.safetensors", "b.safetensors"});
    CHECK_THROWS_WITH(parse_safetensors_index_shards(R"({"weight_map":{"a":"../x.safetensors"}})", "i"),
                      "i: /weight_map/a: expected a file name ending in .safetensors");
    CHECK_THROWS_WITH(parse_safetensors_index_shards(R"({"weight_map":{"a":"x.bin"}})", "i"), "i: /weight_map/a: expected a file name ending in .safetensors");
    CHECK_THROWS_WITH(parse_safetensors_index_shards(R"({"metadata":{}})", "i"), "i: /weight_map: expected an object of tensor names to file names");
}

// A cache path that exists but cannot be looked at is a permission error naming the path, not
// "not in the cache" (issue 16 item 5). The error code is given, as root reads every path.
TEST_CASE("Hugging Face cache: a permission error is not an absent model", "[hub]") {
    const std::filesystem::path p = "/cache/models--acme--x/refs/main";
    const std::filesystem::file_status unknown(std::filesystem::file_type::unknown);
    try {
        (void)hub_cache_status(p, unknown, std::make_error_code(std::errc::permission_denied));
        FAIL("expected a HubCacheAccessError");
    } catch (const HubCacheAccessError& e) {
        CHECK(std::string(e.what()) == "/cache/models--acme--x/refs/main: permission denied (the Hugging Face cache cannot be read there)");
    }
    CHECK_THROWS_AS(hub_cache_status(p, unknown, std::make_error_code(std::errc::operation_not_permitted)), HubCacheAccessError);
    // Absent, or any other error: "not there", the lookup goes on.
    CHECK(hub_cache_status(p, unknown, std::make_error_code(std::errc::no_such_file_or_directory)).type() ==
          std::filesystem::file_type::not_found);
    const std::filesystem::file_status dir(std::filesystem::file_type::directory);
    CHECK(hub_cache_status(p, dir, std::error_code{}).type() == std::filesystem::file_type::directory);
}
