// The Hub over HTTPS (libcurl): config.json, the safetensors index and the safetensors headers by
// HTTP Range, written into the cache in huggingface_hub's layout. Never the weights: every body
// is capped at what was asked for, so a server that ignores Range is cut off after 8 bytes.
//
// libcurl is opened at run time (dlopen), the first time a model must come from the Hub: the
// binary has no link-time dependency on it, starts without loading it and the ~30 libraries it
// pulls in, and runs everything else where it is not installed. curl.h is read only for the
// declarations and constants (libcurl4-openssl-dev at build time).
#include <vramplan/io/hub.hpp>

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/deadline.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/io/file_write.hpp>

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <memory>
#include <type_traits>

namespace vramplan {

namespace fs = std::filesystem;

namespace {

constexpr long k_connect_timeout_s = 10;
constexpr long k_total_timeout_s = 30;
constexpr const char* k_libcurl = "libcurl.so.4";
/// The longest wait for a cache lock another process holds. huggingface_hub's WeakFileLock
/// (utils/_fixes.py) waits without end, logging every 10 s; vramplan gives up with one line.
constexpr std::chrono::seconds k_lock_wait{60};

/// The libcurl functions vramplan calls, resolved from the library opened at run time; each one
/// is checked. The types come from curl.h, so a call through them is checked as a direct one.
struct CurlApi {
    decltype(&curl_global_init) global_init = nullptr;
    decltype(&curl_easy_init) easy_init = nullptr;
    decltype(&curl_easy_reset) easy_reset = nullptr;
    decltype(&curl_easy_setopt) easy_setopt = nullptr;
    decltype(&curl_easy_perform) easy_perform = nullptr;
    decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
    decltype(&curl_easy_strerror) easy_strerror = nullptr;
    decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
};

/// The loaded API, or why there is none (a message without subject or model).
struct CurlLoad {
    std::optional<CurlApi> api;
    std::string why;
};

/// dlopen's result for the name in VRAMPLAN_LIBCURL (tests name a library that does not exist),
/// else libcurl.so.4 (the soname of every libcurl since 7.16, 2006). The library stays loaded.
CurlLoad load_curl() {
    const char* custom = secure_getenv("VRAMPLAN_LIBCURL");
    const std::string name = custom != nullptr && *custom != '\0' ? custom : k_libcurl;
    void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        return {std::nullopt, "fetching from the Hugging Face Hub needs libcurl (" + name +
                                  ", Debian package libcurl4); install it, or give a local model directory"};
    }
    CurlApi api;
    std::string missing;
    const auto resolve = [&](auto& fn, const char* symbol) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, symbol));
        if (fn == nullptr && missing.empty()) {
            missing = symbol;
        }
    };
    resolve(api.global_init, "curl_global_init");
    resolve(api.easy_init, "curl_easy_init");
    resolve(api.easy_reset, "curl_easy_reset");
    resolve(api.easy_setopt, "curl_easy_setopt");
    resolve(api.easy_perform, "curl_easy_perform");
    resolve(api.easy_getinfo, "curl_easy_getinfo");
    resolve(api.easy_strerror, "curl_easy_strerror");
    resolve(api.easy_cleanup, "curl_easy_cleanup");
    if (!missing.empty()) {
        dlclose(lib);
        return {std::nullopt, "fetching from the Hugging Face Hub needs libcurl, and " + name + " has no " + missing +
                                  "; install libcurl4 (libcurl.so.4), or give a local model directory"};
    }
    return {api, ""};
}

/// libcurl, loaded once per process; throws InputError("--model", "LABEL: …") when it cannot be.
const CurlApi& curl_api(const std::string& label) {
    static const CurlLoad loaded = load_curl();
    if (!loaded.api) {
        throw InputError("--model", label + ": " + loaded.why);
    }
    return *loaded.api;
}

struct HttpResponse {
    long status = 0;
    std::string body;
    bool truncated = false;  ///< the body went past the cap and the transfer was stopped
    /// Headers of every response in the redirect chain, in order; names lowered.
    std::vector<std::vector<std::pair<std::string, std::string>>> chain;

    /// The header's value in the first response of the chain that has it ("" when none).
    [[nodiscard]] std::string first(const std::string& name) const {
        for (const auto& headers : chain) {
            for (const auto& [n, v] : headers) {
                if (n == name) {
                    return v;
                }
            }
        }
        return {};
    }
    /// The header's value in the last response.
    [[nodiscard]] std::string last(const std::string& name) const {
        if (chain.empty()) {
            return {};
        }
        for (const auto& [n, v] : chain.back()) {
            if (n == name) {
                return v;
            }
        }
        return {};
    }
};

struct Transfer {
    HttpResponse* response;
    std::size_t cap;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    if (t->response->body.size() + n > t->cap) {
        t->response->truncated = true;
        return 0; // stops the transfer (CURLE_WRITE_ERROR)
    }
    t->response->body.append(data, n);
    return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    std::string line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.pop_back();
    }
    if (line.rfind("HTTP/", 0) == 0) {
        t->response->chain.emplace_back(); // a new response of the redirect chain
        // A redirect's body (if any) is not the file's.
        t->response->body.clear();
        t->response->truncated = false;
    } else if (const std::size_t colon = line.find(':'); colon != std::string::npos && !t->response->chain.empty()) {
        std::string value = line.substr(colon + 1);
        const std::size_t first = value.find_first_not_of(" \t");
        value = first == std::string::npos ? std::string() : value.substr(first);
        t->response->chain.back().emplace_back(ascii_lower(line.substr(0, colon)), value);
    }
    return n;
}

class Http {
public:
    /// Loads libcurl (InputError naming `label` when it is not installed) and opens a handle.
    Http(const std::string& label, std::optional<std::string> token)
        : m_curl_api(curl_api(label)), m_curl(nullptr, Cleanup{m_curl_api.easy_cleanup}), m_token(std::move(token)), m_label(label) {
        static const CURLcode global = m_curl_api.global_init(CURL_GLOBAL_DEFAULT);
        m_curl.reset(global == CURLE_OK ? m_curl_api.easy_init() : nullptr);
        if (!m_curl) {
            throw InputError("--model", "cannot initialise libcurl");
        }
    }

    /// GET `url` (optionally one byte range), following redirects; the body is capped at `cap`.
    /// Throws InputError for transport failures; any HTTP status is returned.
    /// Each request gets its own limits or what is left of the run's deadline (io/deadline.hpp),
    /// whichever is less; past the deadline, InputError naming the model and the deadline.
    HttpResponse get(const std::string& url, const std::string& range, std::size_t cap, const std::string& what) {
        using std::chrono::milliseconds;
        const milliseconds total = bounded_by_deadline(milliseconds(k_total_timeout_s * 1000));
        const bool deadline_bound = total < milliseconds(k_total_timeout_s * 1000);
        if (total.count() <= 0) {
            throw_past_deadline(what);
        }
        HttpResponse r;
        Transfer t{&r, cap};
        CURL* c = m_curl.get();
        m_curl_api.easy_reset(c);
        set(c, CURLOPT_URL, url.c_str());
        set(c, CURLOPT_FOLLOWLOCATION, 1L);
        set(c, CURLOPT_MAXREDIRS, 10L);
        set(c, CURLOPT_PROTOCOLS_STR, "http,https");
        set(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        set(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(total, milliseconds(k_connect_timeout_s * 1000)).count()));
        set(c, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
        set(c, CURLOPT_NOSIGNAL, 1L);
        set(c, CURLOPT_USERAGENT, "vramplan");
        set(c, CURLOPT_ACCEPT_ENCODING, "identity");
        if (m_token) {
            // Bearer through libcurl's auth, which (CURLOPT_UNRESTRICTED_AUTH off) is never sent to
            // another host or port after a redirect: the Hub redirects files to a CDN.
            set(c, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
            set(c, CURLOPT_XOAUTH2_BEARER, m_token->c_str());
            set(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
        }
        if (!range.empty()) {
            set(c, CURLOPT_RANGE, range.c_str());
        }
        set(c, CURLOPT_WRITEFUNCTION, on_body);
        set(c, CURLOPT_WRITEDATA, &t);
        set(c, CURLOPT_HEADERFUNCTION, on_header);
        set(c, CURLOPT_HEADERDATA, &t);
        const CURLcode rc = m_curl_api.easy_perform(c);
        m_curl_api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
        if (rc == CURLE_WRITE_ERROR && r.truncated) {
            throw InputError("--model", what + ": " + url + " sent more than the " + std::to_string(cap) + " bytes asked for" +
                             (range.empty() ? "" : " (the server ignored the Range request; vramplan never downloads weights)"));
        }
        if (rc == CURLE_OPERATION_TIMEDOUT && deadline_bound) {
            throw_past_deadline(what);
        }
        if (rc == CURLE_OPERATION_TIMEDOUT) {
            throw InputError("--model", what + ": " + url + " timed out (" + std::to_string(k_connect_timeout_s) + " s to connect, " +
                             std::to_string(k_total_timeout_s) + " s per request); set HF_HUB_OFFLINE=1 to use only the local cache");
        }
        if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_PROXY) {
            throw InputError("--model", what + ": cannot reach " + url + " (" + m_curl_api.easy_strerror(rc) +
                             "; no network? set HF_ENDPOINT for a mirror, or HF_HUB_OFFLINE=1 to use only the local cache)");
        }
        if (rc != CURLE_OK) {
            throw InputError("--model", what + ": " + url + ": " + m_curl_api.easy_strerror(rc));
        }
        return r;
    }

private:
    [[noreturn]] void throw_past_deadline(const std::string& what) const {
        throw InputError("--model", m_label + ": the Hugging Face Hub fetch did not finish within " + deadline_words() + " while fetching " + what +
                                        "; raise --timeout, or set HF_HUB_OFFLINE=1 to use only the local cache", " ");
    }

    /// curl_easy_setopt, checked: an option this libcurl does not know is an error, not a
    /// transfer made without it.
    template <typename Value>
    void set(CURL* c, CURLoption option, Value value) {
        if (const CURLcode rc = m_curl_api.easy_setopt(c, option, value); rc != CURLE_OK) {
            throw InputError("--model", std::string("libcurl refused option ") + std::to_string(static_cast<int>(option)) + " (" +
                                            m_curl_api.easy_strerror(rc) + "); libcurl 7.85 or later is needed");
        }
    }

    struct Cleanup {
        decltype(&curl_easy_cleanup) cleanup;
        void operator()(CURL* c) const { cleanup(c); }
    };
    const CurlApi& m_curl_api;
    std::unique_ptr<CURL, Cleanup> m_curl;
    std::optional<std::string> m_token;
    std::string m_label;
};

bool blob_name_ok(const std::string& s) {
    return !s.empty() && s.size() <= 128 && s.front() != '.' &&
           std::all_of(s.begin(), s.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'; });
}

/// huggingface_hub's _normalize_etag: no "W/" prefix, no quotes.
std::string normalize_etag(std::string e) {
    if (e.rfind("W/", 0) == 0) {
        e.erase(0, 2);
    }
    e.erase(std::remove(e.begin(), e.end(), '"'), e.end());
    return e;
}

bool is_sha(const std::string& s) {
    return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); });
}

std::string url_path_escape(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : s) {
        const auto u = static_cast<unsigned char>(ch);
        if (std::isalnum(u) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

void mkdirs(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw InputError(dir.string() + ": cannot create the Hugging Face cache directory (" + ec.message() + ")");
    }
}

/// huggingface_hub's lock file for one blob, `<cache>/.locks/models--ORG--NAME/<ETAG>.lock`
/// (file_download.py, _hf_hub_download_to_cache_dir: `lock_path = os.path.join(locks_dir,
/// repo_folder_name(...), f"{etag}.lock")`, locks_dir = `<cache>/.locks`).
fs::path blob_lock_path(const fs::path& repo, const std::string& name) {
    return repo.parent_path() / ".locks" / repo.filename() / (name + ".lock");
}

/// Stores one downloaded file as huggingface_hub does: the content in blobs/ETAG and a relative
/// symlink snapshots/SHA/FILE -> ../../blobs/ETAG (a plain copy where no ETag or symlink), both
/// under the blob's lock, as huggingface_hub holds it around _download_to_tmp_and_move and
/// _create_symlink. Every step replaces atomically: parallel first fetches into one cache each
/// leave whole files and links, whichever finishes last.
void store_file(const fs::path& repo, const fs::path& snapshot, const std::string& file, const HttpResponse& r) {
    const std::string etag = normalize_etag(r.first("x-linked-etag").empty() ? r.first("etag") : r.first("x-linked-etag"));
    const fs::path target = snapshot / file;
    const FileLock lock(blob_lock_path(repo, blob_name_ok(etag) ? etag : file).string(), k_lock_wait);
    if (blob_name_ok(etag)) {
        mkdirs(repo / "blobs");
        write_file_atomically((repo / "blobs" / etag).string(), r.body);
        try {
            replace_with_symlink(target.string(), (fs::path("..") / ".." / "blobs" / etag).string());
            return;
        } catch (const InputError&) {
            // No symbolic links here (some file systems): a plain copy, as huggingface_hub makes.
        }
    }
    if (non_regular_kind(target.string()) == "a symbolic link") {
        std::error_code ec;
        fs::remove(target, ec);   // the link itself, never what it points to
    }
    write_file_atomically(target.string(), r.body);
}

} // namespace

HubSnapshot fetch_from_hub(const HubEnv& env, const HubModelId& id, const std::vector<std::string>& catalog_hf_ids) {
    const std::string endpoint = hub_endpoint(env);
    const std::optional<std::string> token = hub_token(env);
    const std::string label = id.repo + (id.revision_given ? "@" + id.revision : "");
    Http http(label, token);

    // One line per failure, in huggingface_hub's terms (X-Error-Code tells a missing repository,
    // revision or file apart from a gated one; the Hub answers 401 for repositories it hides).
    const auto fail_status = [&](const HttpResponse& r, const std::string& file) {
        const std::string code = r.first("x-error-code");
        const std::string where = endpoint + " answered HTTP " + std::to_string(r.status);
        if (code == "RepoNotFound" || (r.status == 404 && code.empty() && file == "config.json")) {
            throw InputError("--model", unknown_name_message("Hugging Face model", id.repo, catalog_hf_ids) + " (" + where +
                             ": repository not found; a private one needs HF_TOKEN)");
        }
        if (code == "RevisionNotFound") {
            throw InputError("--model", label + ": revision '" + id.revision + "' not found (" + where + ")", " ");
        }
        if (code == "GatedRepo" || r.status == 401 || r.status == 403) {
            throw InputError("--model", label + ": access denied (" + where + (token ? ", token sent" : ", no token") +
                             "): the repository is gated or private; accept its license on the Hub and set HF_TOKEN or run `huggingface-cli login`", " ");
        }
        if (r.status == 404) {
            throw InputError("--model", label + ": the repository has no " + file + " (" + where + ")", " ");
        }
        throw InputError("--model", label + ": " + file + ": " + where, " ");
    };

    std::string base = endpoint + "/" + id.repo + "/resolve/" + url_path_escape(id.revision) + "/";
    HttpResponse config = http.get(base + "config.json", "", 16u << 20, label + " config.json");
    if (config.status != 200) {
        fail_status(config, "config.json");
    }
    std::string commit = config.first("x-repo-commit");
    if (!is_sha(commit)) {
        commit = id.revision;
    } else {
        base = endpoint + "/" + id.repo + "/resolve/" + commit + "/"; // the rest from the same commit
    }
    const fs::path repo = hub_repo_cache(hub_cache_dir(env), id.repo);
    const fs::path snapshot = repo / "snapshots" / commit;
    mkdirs(snapshot);

    // The index names the shards; without one (404) the model is one model.safetensors.
    std::vector<std::string> shards{"model.safetensors"};
    bool single = true;
    const std::string index_name = "model.safetensors.index.json";
    HttpResponse index = http.get(base + index_name, "", 64u << 20, label + " " + index_name);
    if (index.status == 200) {
        shards = parse_safetensors_index_shards(index.body, base + index_name);
        store_file(repo, snapshot, index_name, index);
        single = false;
    } else if (index.status == 404) {
        mkdirs(repo / ".no_exist" / commit);
        write_file_atomically((repo / ".no_exist" / commit / index_name).string(), "");
    } else {
        fail_status(index, index_name);
    }

    for (const std::string& shard : shards) {
        const std::string url = base + shard;
        const std::string what = label + " " + shard;
        HttpResponse start = http.get(url, "0-7", 8, what);
        if (start.status == 404 && single) {
            break; // no safetensors (a .bin checkpoint): the parameters are counted from config.json
        }
        if (start.status != 206) {
            if (start.status == 200 || start.status == 416) {
                throw InputError("--model", what + ": " + url + " answered HTTP " + std::to_string(start.status) +
                                 " to a Range request (expected 206 Partial Content)");
            }
            fail_status(start, shard);
        }
        // Content-Range: bytes 0-7/TOTAL
        const std::string content_range = start.last("content-range");
        const std::size_t slash = content_range.rfind('/');
        std::uint64_t file_size = 0;
        try {
            // The one number grammar (sizes.hpp): decimal digits only, no sign, no spaces.
            const std::string total = slash == std::string::npos ? "" : content_range.substr(slash + 1);
            file_size = parse_integer(total, "Content-Range", 0, std::numeric_limits<std::uint64_t>::max());
        } catch (const InputError&) {
            throw InputError("--model", what + ": expected 'Content-Range: bytes 0-7/SIZE', got '" + one_line(content_range.substr(0, 100)) + "'");
        }
        // The checks a cached marker gets when it is read back (parse_header_marker): an answer
        // the cache would refuse later is refused now, before the header is read, and never written.
        const auto in_range = [&](const SafetensorsHeaderMarker& m) {
            try {
                (void)parse_header_marker(header_marker_json(m), url);
            } catch (const InputError& e) {
                throw InputError("--model", what + ": the Hub's answer is out of range: " + e.what());
            }
        };
        in_range({file_size, 0});
        const std::uint64_t header_len = safetensors_header_length(start.body, file_size, url);
        HttpResponse header = http.get(url, "8-" + std::to_string(8 + header_len - 1), static_cast<std::size_t>(header_len), what);
        if (header.status != 206 || header.body.size() != header_len) {
            throw InputError("--model", what + ": expected the " + std::to_string(header_len) + "-byte header, got HTTP " +
                             std::to_string(header.status) + " with " + std::to_string(header.body.size()) + " bytes");
        }
        const Bytes data = safetensors_header_data_bytes(header.body, file_size - 8 - header_len, url);
        in_range({file_size, data});
        const std::string marker = header_marker_json({file_size, data});
        mkdirs(snapshot / ".vramplan");
        write_file_atomically(header_marker_path(snapshot, shard).string(), marker);
    }

    // config.json last and the ref after it: a snapshot with a config is complete.
    store_file(repo, snapshot, "config.json", config);
    if (commit != id.revision) {
        const fs::path ref = repo / "refs" / id.revision;
        mkdirs(ref.parent_path());
        write_file_atomically(ref.string(), commit);
    }
    return HubSnapshot{snapshot, commit};
}

} // namespace vramplan
