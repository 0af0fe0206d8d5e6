#include <vramplan/io/gpu_detect.hpp>

#include <vramplan/io/sizes.hpp>
#include <vramplan/io/errors.hpp>

#include <dlfcn.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace vramplan {

namespace {

std::string_view smi_trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

std::vector<std::string_view> smi_split(std::string_view line, char sep) {
    std::vector<std::string_view> out;
    for (std::size_t at = 0;;) {
        const std::size_t next = line.find(sep, at);
        out.push_back(smi_trim(line.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at)));
        if (next == std::string_view::npos) {
            return out;
        }
        at = next + 1;
    }
}

Bytes mib_field(std::string_view field, const std::string& where, const char* what) {
    return checked_mul(parse_integer(std::string(field), where + ": " + what + " (MiB)", 0, std::uint64_t{1} << 30), k_mib);
}

/// Runs `command` and returns its stdout, or nullopt when it cannot run or exits non-zero.
std::optional<std::string> run_command(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>/dev/null").c_str(), "r"), pclose);
    if (!pipe) {
        return std::nullopt;
    }
    std::string out;
    std::array<char, 4096> buf{};
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0;) {
        out.append(buf.data(), n);
        if (out.size() > (std::size_t{1} << 20)) {
            return std::nullopt;
        }
    }
    const int status = pclose(pipe.release());
    return status == 0 ? std::optional<std::string>(out) : std::nullopt;
}

// NVML's C interface (nvml.h), declared here so neither the header nor the library is needed to
// build; the library is opened at run time.
using NvmlDevice = struct NvmlDeviceOpaque*;
struct NvmlMemoryV2 {
    unsigned version;
    unsigned long long total, reserved, free, used;
};
struct NvmlMemoryV1 {
    unsigned long long total, free, used;
};

std::vector<GpuReading> read_nvml(std::string& why) {
    void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        why = "NVML: libnvidia-ml.so.1 not found";
        return {};
    }
    const auto sym = [lib](const char* name) { return dlsym(lib, name); };
    using InitFn = int (*)();
    using CountFn = int (*)(unsigned*);
    using HandleFn = int (*)(unsigned, NvmlDevice*);
    using NameFn = int (*)(NvmlDevice, char*, unsigned);
    using MemV2Fn = int (*)(NvmlDevice, NvmlMemoryV2*);
    using MemV1Fn = int (*)(NvmlDevice, NvmlMemoryV1*);
    const auto init = reinterpret_cast<InitFn>(sym("nvmlInit_v2"));
    const auto shutdown = reinterpret_cast<InitFn>(sym("nvmlShutdown"));
    const auto count = reinterpret_cast<CountFn>(sym("nvmlDeviceGetCount_v2"));
    const auto handle = reinterpret_cast<HandleFn>(sym("nvmlDeviceGetHandleByIndex_v2"));
    const auto name = reinterpret_cast<NameFn>(sym("nvmlDeviceGetName"));
    const auto mem_v2 = reinterpret_cast<MemV2Fn>(sym("nvmlDeviceGetMemoryInfo_v2"));
    const auto mem_v1 = reinterpret_cast<MemV1Fn>(sym("nvmlDeviceGetMemoryInfo"));
    std::vector<GpuReading> cards;
    unsigned n = 0;
    if (init == nullptr || shutdown == nullptr || count == nullptr || handle == nullptr || name == nullptr || mem_v1 == nullptr) {
        why = "NVML: the library lacks the functions vramplan needs";
    } else if (init() != 0) {
        why = "NVML: initialization failed (no driver loaded?)";
    } else {
        if (count(&n) != 0) {
            why = "NVML: cannot count the GPUs";
            n = 0;
        }
        for (unsigned i = 0; i < n; ++i) {
            NvmlDevice dev = nullptr;
            std::array<char, 96> buf{};
            if (handle(i, &dev) != 0 || name(dev, buf.data(), static_cast<unsigned>(buf.size())) != 0) {
                continue;
            }
            GpuReading g;
            g.index = i;
            g.name = std::string(buf.data());
            g.source = "NVML";
            // nvmlMemory_v2_t: version = sizeof | 2 << 24 (nvml.h nvmlMemory_v2).
            NvmlMemoryV2 m2{static_cast<unsigned>(sizeof(NvmlMemoryV2)) | (2u << 24), 0, 0, 0, 0};
            NvmlMemoryV1 m1{};
            if (mem_v2 != nullptr && mem_v2(dev, &m2) == 0) {
                g.total = m2.total;
                g.reserved = m2.reserved;
                g.used = m2.used;
            } else if (mem_v1(dev, &m1) == 0) {
                g.total = m1.total;
                g.used = m1.used;   // old drivers: includes the reserve
            } else {
                continue;
            }
            cards.push_back(g);
        }
        shutdown();
    }
    dlclose(lib);
    if (cards.empty() && why.empty()) {
        why = "NVML: no GPUs";
    }
    return cards;
}

std::vector<GpuReading> read_nvidia_smi(std::string& why) {
    const char* custom = std::getenv("VRAMPLAN_NVIDIA_SMI");
    const std::string smi = custom != nullptr && *custom != '\0' ? custom : "nvidia-smi";
    const std::string format = " --format=csv,noheader,nounits";
    std::optional<std::string> out = run_command(smi + " --query-gpu=name,memory.total,memory.reserved,memory.used" + format);
    if (!out) {
        out = run_command(smi + " --query-gpu=name,memory.total,memory.used" + format);   // drivers before memory.reserved
    }
    if (!out) {
        why = smi + ": not found or failed";
        return {};
    }
    std::vector<GpuReading> cards = parse_nvidia_smi(*out, smi);
    if (cards.empty()) {
        why = smi + ": no GPUs";
    }
    return cards;
}

} // namespace

std::vector<GpuReading> parse_nvidia_smi(std::string_view text, const std::string& where) {
    std::vector<GpuReading> cards;
    std::size_t line_no = 0;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        const std::string_view line = smi_trim(text.substr(at, end - at));
        at = end + 1;
        ++line_no;
        if (line.empty()) {
            continue;
        }
        const std::string here = where + ":" + std::to_string(line_no);
        const std::vector<std::string_view> f = smi_split(line, ',');
        if (f.size() != 3 && f.size() != 4) {
            throw InputError(here + ": expected 'name, memory.total, memory.reserved, memory.used' in MiB, got '" + std::string(line) + "'");
        }
        GpuReading g;
        g.index = static_cast<unsigned>(cards.size());
        g.name = std::string(f[0]);
        g.source = "nvidia-smi";
        g.total = mib_field(f[1], here, "memory.total");
        if (f.size() == 4) {
            g.reserved = mib_field(f[2], here, "memory.reserved");
        }
        g.used = mib_field(f.back(), here, "memory.used");
        if (g.name.empty() || g.total == 0 || g.reserved.value_or(0) > g.total) {
            throw InputError(here + ": expected a GPU name and a total above its reserve, got '" + std::string(line) + "'");
        }
        cards.push_back(g);
    }
    return cards;
}

std::vector<GpuReading> apply_cuda_visible_devices(std::vector<GpuReading> cards, const char* visible) {
    if (visible == nullptr || *visible == '\0') {
        return cards;
    }
    std::vector<GpuReading> out;
    for (std::string_view item : smi_split(visible, ',')) {
        unsigned i = 0;
        const auto r = std::from_chars(item.data(), item.data() + item.size(), i);
        if (item.empty() || r.ec != std::errc{} || r.ptr != item.data() + item.size()) {
            throw InputError(std::string("CUDA_VISIBLE_DEVICES=") + visible + ": --gpu auto maps integer indices only, not '" +
                             std::string(item) + "'; name the card with --gpu");
        }
        if (i >= cards.size()) {
            break;   // CUDA stops at the first invalid index
        }
        out.push_back(cards[i]);
    }
    return out;
}

std::vector<GpuReading> detect_gpus() {
    std::string nvml_why = "NVML: skipped (VRAMPLAN_NO_NVML)";
    std::vector<GpuReading> cards;
    const char* no_nvml = std::getenv("VRAMPLAN_NO_NVML");
    if (no_nvml == nullptr || std::string(no_nvml) != "1") {
        nvml_why.clear();
        cards = read_nvml(nvml_why);
    }
    std::string smi_why;
    if (cards.empty()) {
        cards = read_nvidia_smi(smi_why);
    }
    if (cards.empty()) {
        throw InputError("--gpu auto: no NVIDIA GPU found (" + nvml_why + "; " + smi_why + "); name the card with --gpu");
    }
    cards = apply_cuda_visible_devices(std::move(cards), std::getenv("CUDA_VISIBLE_DEVICES"));
    if (cards.empty()) {
        throw InputError(std::string("--gpu auto: CUDA_VISIBLE_DEVICES=") + std::getenv("CUDA_VISIBLE_DEVICES") + " hides every GPU");
    }
    return cards;
}

} // namespace vramplan
