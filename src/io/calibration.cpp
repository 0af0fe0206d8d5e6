#include <vramplan/io/calibration.hpp>

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>

#include <cmath>
#include <limits>

namespace vramplan {

using nlohmann::json;

namespace {

constexpr const char* k_kind = "vramplan-calibration";
constexpr int k_calibration_schema = 1;
constexpr std::size_t k_max_file_bytes = 64u << 20;

json terms_json(const TermBytes& t) {
    json j = json::object();
    const auto put = [&j](const char* key, const auto& v) {
        if (v) {
            j[key] = *v;
        }
    };
    put("weights", t.weights);
    put("activation_peak", t.activation);
    put("non_torch", t.non_torch);
    put("cuda_graphs", t.cuda_graphs);
    put("kv_cache", t.kv_cache);
    return j;
}

/// Typed access with errors naming the file and JSON pointer.
class Reader {
public:
    Reader(std::string path) : m_path(std::move(path)) {}

    [[noreturn]] void fail(const std::string& pointer, const std::string& expected) const {
        throw InputError(m_path + ": " + (pointer.empty() ? std::string("(top level)") : pointer) + ": expected " + expected);
    }
    const json& at(const json& obj, const std::string& key, const std::string& pointer) const {
        auto it = obj.find(key);
        if (it == obj.end()) {
            fail(pointer + "/" + key, "a value (missing key)");
        }
        return *it;
    }
    std::string str(const json& obj, const std::string& key, const std::string& pointer) const {
        const json& v = at(obj, key, pointer);
        if (!v.is_string()) {
            fail(pointer + "/" + key, "a string");
        }
        return v.get<std::string>();
    }
    std::uint64_t u64(const json& obj, const std::string& key, const std::string& pointer, std::uint64_t max) const {
        const json& v = at(obj, key, pointer);
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max) {
            fail(pointer + "/" + key, "an integer from 0 to " + std::to_string(max));
        }
        return v.get<std::uint64_t>();
    }
    double fraction(const json& obj, const std::string& key, const std::string& pointer) const {
        const json& v = at(obj, key, pointer);
        if (!v.is_number() || !(v.get<double>() > 0.0 && v.get<double>() <= 1.0)) {
            fail(pointer + "/" + key, "a number in (0, 1]");
        }
        return v.get<double>();
    }
    bool boolean(const json& obj, const std::string& key, const std::string& pointer) const {
        const json& v = at(obj, key, pointer);
        if (!v.is_boolean()) {
            fail(pointer + "/" + key, "true or false");
        }
        return v.get<bool>();
    }
    TermBytes terms(const json& obj, const std::string& key, const std::string& pointer) const {
        const json& t = at(obj, key, pointer);
        const std::string here = pointer + "/" + key;
        if (!t.is_object()) {
            fail(here, "an object");
        }
        TermBytes out;
        constexpr std::uint64_t max = k_calibration_max_bytes;
        const auto opt = [&](const char* k, std::optional<Bytes>& dst) {
            if (t.contains(k)) {
                dst = u64(t, k, here, max);
            }
        };
        const auto opt_signed = [&](const char* k, std::optional<SignedBytes>& dst) {
            if (!t.contains(k)) {
                return;
            }
            const json& v = t.at(k);
            const bool in_range = (v.is_number_unsigned() && v.get<std::uint64_t>() <= max) ||
                                  (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() >= -static_cast<std::int64_t>(max) &&
                                   v.get<std::int64_t>() <= static_cast<std::int64_t>(max));
            if (!in_range) {
                fail(here + "/" + k, "an integer number of bytes from -2^50 to 2^50");
            }
            dst = v.is_number_unsigned() ? static_cast<SignedBytes>(v.get<std::uint64_t>()) : v.get<std::int64_t>();
        };
        opt("weights", out.weights);
        opt("activation_peak", out.activation);
        opt_signed("non_torch", out.non_torch);
        opt("cuda_graphs", out.cuda_graphs);
        opt_signed("kv_cache", out.kv_cache);
        return out;
    }

private:
    std::string m_path;
};

} // namespace

json calibration_json(const CalibrationFile& file) {
    json entries = json::array();
    for (const CalibrationEntry& e : file.entries) {
        entries.push_back(json{
            {"source", e.source},
            {"model", e.model},
            {"model_name", e.model_name},
            {"gpu", e.gpu},
            {"vllm_version", e.version.str()},
            {"engine", e.engine},
            {"tensor_parallel_size", e.tensor_parallel_size},
            {"pipeline_parallel_size", e.pipeline_parallel_size},
            {"gpu_memory_utilization", e.gpu_memory_utilization},
            {"max_model_len", e.max_model_len},
            {"max_num_seqs", e.max_num_seqs},
            {"max_num_batched_tokens", e.max_num_batched_tokens},
            {"dtype", e.dtype},
            {"kv_cache_dtype", e.kv_cache_dtype},
            {"enforce_eager", e.enforce_eager},
            {"measured", terms_json(e.measured)},
            {"estimated", terms_json(e.estimated)},
        });
        if (!e.version_source.empty()) {
            entries.back()["vllm_version_source"] = e.version_source;
        }
    }
    return json{{"schema_version", k_calibration_schema}, {"kind", k_kind}, {"entries", entries}};
}

CalibrationFile read_calibration(const std::string& path) {
    return parse_calibration(read_file(path, k_max_file_bytes), path);
}

CalibrationFile parse_calibration(const std::string& text, const std::string& path) {
    const json root = parse_json_text(text, path);
    const Reader r(path);
    if (!root.is_object()) {
        r.fail("", "a JSON object");
    }
    if (r.str(root, "kind", "") != k_kind) {
        r.fail("/kind", std::string("\"") + k_kind + "\"");
    }
    if (r.u64(root, "schema_version", "", 1000) != k_calibration_schema) {
        r.fail("/schema_version", std::to_string(k_calibration_schema));
    }
    const json& entries = r.at(root, "entries", "");
    if (!entries.is_array()) {
        r.fail("/entries", "an array");
    }
    CalibrationFile file;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const json& e = entries[i];
        const std::string p = "/entries/" + std::to_string(i);
        if (!e.is_object()) {
            r.fail(p, "an object");
        }
        CalibrationEntry c;
        c.source = r.str(e, "source", p);
        c.model = r.str(e, "model", p);
        c.model_name = r.str(e, "model_name", p);
        c.gpu = r.str(e, "gpu", p);
        const auto v = parse_vllm_version(r.str(e, "vllm_version", p));
        if (!v) {
            r.fail(p + "/vllm_version", "a vLLM release such as \"0.19.0\"");
        }
        c.version = *v;
        if (const auto it = e.find("vllm_version_source"); it != e.end() && it->is_string()) {
            c.version_source = it->get<std::string>();
        }
        c.engine = r.str(e, "engine", p);
        if (c.engine != "V0" && c.engine != "V1") {
            r.fail(p + "/engine", "\"V0\" or \"V1\"");
        }
        c.tensor_parallel_size = static_cast<std::uint32_t>(r.u64(e, "tensor_parallel_size", p, 1024));
        c.pipeline_parallel_size = static_cast<std::uint32_t>(r.u64(e, "pipeline_parallel_size", p, 1024));
        if (c.tensor_parallel_size == 0 || c.pipeline_parallel_size == 0) {
            r.fail(p + "/tensor_parallel_size", "parallel sizes of at least 1");
        }
        c.gpu_memory_utilization = r.fraction(e, "gpu_memory_utilization", p);
        c.max_model_len = r.u64(e, "max_model_len", p, std::uint64_t{1} << 40);
        c.max_num_seqs = r.u64(e, "max_num_seqs", p, std::uint64_t{1} << 32);
        c.max_num_batched_tokens = r.u64(e, "max_num_batched_tokens", p, std::uint64_t{1} << 32);
        c.dtype = r.str(e, "dtype", p);
        c.kv_cache_dtype = r.str(e, "kv_cache_dtype", p);
        c.enforce_eager = r.boolean(e, "enforce_eager", p);
        c.measured = r.terms(e, "measured", p);
        c.estimated = r.terms(e, "estimated", p);
        file.entries.push_back(std::move(c));
    }
    return file;
}

json restore_fit_json(const RestoreFit& fit, const std::vector<RestorePoint>& points, const std::string& gpu, const std::string& model) {
    json pts = json::array();
    for (const RestorePoint& p : points) {
        pts.push_back({{"utilization", p.utilization}, {"checkpoint_s", p.checkpoint_s}, {"restore_s", p.restore_s}, {"held_gib", p.held_gib}});
    }
    return json{{"schema_version", 1}, {"kind", "vramplan-restore-fit"}, {"gpu", gpu}, {"model", model},
                {"checkpoint", {{"c", fit.checkpoint_c}, {"k", fit.checkpoint_k}}}, {"restore", {{"c", fit.restore_c}, {"k", fit.restore_k}}},
                {"points", pts}};
}

RestoreFit read_restore_fit(const std::string& path) {
    return parse_restore_fit(read_file(path, k_max_file_bytes), path);
}

RestoreFit parse_restore_fit(const std::string& text, const std::string& path) {
    const json root = parse_json_text(text, path);
    const Reader r(path);
    if (!root.is_object()) {
        r.fail("", "a JSON object");
    }
    if (r.str(root, "kind", "") != "vramplan-restore-fit") {
        r.fail("/kind", "\"vramplan-restore-fit\"");
    }
    if (r.u64(root, "schema_version", "", 1000) != 1) {
        r.fail("/schema_version", "1");
    }
    RestoreFit f;
    const auto coeffs = [&](const char* key, double& c, double& k) {
        const json& o = r.at(root, key, "");
        const std::string here = std::string("/") + key;
        if (!o.is_object()) {
            r.fail(here, "an object {c, k}");
        }
        const json& jc = r.at(o, "c", here);
        const json& jk = r.at(o, "k", here);
        if (!jc.is_number() || !(jc.get<double>() > 0.0 && jc.get<double>() < 1e12)) {
            r.fail(here + "/c", "a positive number of seconds");
        }
        if (!jk.is_number() || !(jk.get<double>() > -20.0 && jk.get<double>() < 20.0)) {
            r.fail(here + "/k", "an exponent between -20 and 20");
        }
        c = jc.get<double>();
        k = jk.get<double>();
    };
    coeffs("checkpoint", f.checkpoint_c, f.checkpoint_k);
    coeffs("restore", f.restore_c, f.restore_k);
    f.source = path;
    return f;
}

} // namespace vramplan
