#include <vramplan/io/gpu_detect.hpp>

#include <vramplan/io/deadline.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/io/errors.hpp>

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>

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

/// How long nvidia-smi may take (or what is left of the run's deadline, if less): it answers in
/// well under a second on a healthy machine, and hangs as long as the driver does on a sick one.
constexpr std::chrono::milliseconds k_nvidia_smi_timeout{10'000};

/// Closes a file descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    Fd() = default;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) {
            close(fd);
        }
    }
};

/// Waits for `pid` (retrying on EINTR); its exit status, -1 when it did not exit normally.
int reap(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Reads `fd` to its end, at most 1 MiB, until `end`; false when the time ran out first.
bool read_until(int fd, std::chrono::steady_clock::time_point end, std::string& out, bool& too_long) {
    std::array<char, 4096> buf{};
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd p{fd, POLLIN, 0};
        const int ready = poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return ready < 0; // an error ends the read (as EOF); 0 is the timeout
        }
        const ssize_t n = read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return true;
        }
        out.append(buf.data(), static_cast<std::size_t>(n));
        if (out.size() > (std::size_t{1} << 20)) {
            too_long = true;
            return true;
        }
    }
}

/// Runs `program` with `args` (no shell; found on PATH when it has no '/'), stdin and stderr on
/// /dev/null, and returns its stdout, or nullopt when it cannot run, exits non-zero or prints more
/// than 1 MiB. It runs in its own process group; when it has not finished within
/// k_nvidia_smi_timeout (or the run's deadline, if sooner) the group is killed and InputError
/// names the program and the limit.
std::optional<std::string> run_bounded(const std::string& program, const std::vector<std::string>& args) {
    const std::chrono::milliseconds limit = bounded_by_deadline(k_nvidia_smi_timeout);
    const auto end = std::chrono::steady_clock::now() + limit;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return std::nullopt;
    }
    Fd out_read;
    out_read.fd = fds[0];
    Fd out_write;
    out_write.fd = fds[1];
    std::vector<std::string> words{program};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& w : words) {
        argv.push_back(w.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.fd, 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, program.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (spawned != 0) {
        return std::nullopt;
    }
    close(out_write.fd);
    out_write.fd = -1;
    std::string out;
    bool too_long = false;
    if (!limit.count() || !read_until(out_read.fd, end, out, too_long)) {
        kill(-pid, SIGKILL);
        reap(pid);
        throw InputError("--gpu auto", program + " did not answer within " +
                                           (limit < k_nvidia_smi_timeout ? deadline_words() : std::to_string(k_nvidia_smi_timeout.count() / 1000) + " s") +
                                           " and was killed (a hung driver?); name the card with --gpu", ": ");
    }
    if (too_long) {
        kill(-pid, SIGKILL);
    }
    const int status = reap(pid);
    return status == 0 && !too_long ? std::optional<std::string>(out) : std::nullopt;
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
    const std::string format = "--format=csv,noheader,nounits";
    std::optional<std::string> out = run_bounded(smi, {"--query-gpu=name,memory.total,memory.reserved,memory.used", format});
    if (!out) {
        out = run_bounded(smi, {"--query-gpu=name,memory.total,memory.used", format});   // drivers before memory.reserved
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
