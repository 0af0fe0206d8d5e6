// Atomic, non-following file writes and flock-based lock files (file_write.hpp).
#include <vramplan/io/file_write.hpp>

#include <vramplan/io/errors.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

namespace vramplan {

namespace fs = std::filesystem;

namespace {

/// Longest NAME kept in `.NAME.XXXXXX`: the temporary name stays within NAME_MAX (255).
constexpr std::size_t k_max_temp_stem = 200;

std::string errno_text(int err) {
    return std::strerror(err);
}

/// The process umask, read once (umask() can only be read by setting it; reading it once keeps
/// concurrent writers from seeing each other's temporary 0).
mode_t process_umask() {
    static std::once_flag once;
    static mode_t mask = 022;
    std::call_once(once, [] {
        mask = ::umask(022);
        ::umask(mask);
    });
    return mask;
}

std::string kind_of(mode_t mode) {
    if (S_ISLNK(mode)) {
        return "a symbolic link";
    }
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    if (S_ISCHR(mode)) {
        return "a character device";
    }
    if (S_ISBLK(mode)) {
        return "a block device";
    }
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return S_ISREG(mode) ? "" : "not a file";
}

/// `dir/.NAME.XXXXXX` for mkstemp.
std::string temp_pattern(const fs::path& target) {
    std::string stem = target.filename().string().substr(0, k_max_temp_stem);
    return (target.parent_path() / ("." + stem + ".XXXXXX")).string();
}

/// fsync on the directory holding `target`, so the rename survives a crash. Best effort: some
/// file systems refuse to open or sync a directory.
void sync_directory(const fs::path& target) {
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)::fsync(fd);
        ::close(fd);
    }
}

bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

std::string non_regular_kind(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return "";
    }
    return kind_of(st.st_mode);
}

void write_file_atomically(const std::string& path, const std::string& text) {
    const fs::path target(path);
    struct stat st {};
    mode_t mode = 0666 & ~process_umask();
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            throw InputError(path, "not a regular file (" + kind_of(st.st_mode) + "); vramplan replaces only regular files");
        }
        mode = st.st_mode & 07777;
    }
    std::string temp = temp_pattern(target);
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) {
        throw InputError(path, "cannot be written (" + errno_text(errno) + ")");
    }
    // Each step in order; the first failure's errno is the one reported.
    int err = 0;
    if (::fchmod(fd, mode) != 0 || !write_all(fd, text) || ::fsync(fd) != 0) {
        err = errno;
    }
    if (::close(fd) != 0 && err == 0) {
        err = errno;
    }
    if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) {
        err = errno;
    }
    if (err != 0) {
        ::unlink(temp.c_str());
        throw InputError(path, "cannot be written (" + errno_text(err) + ")");
    }
    sync_directory(target);
}

void replace_with_symlink(const std::string& link, const std::string& target) {
    const fs::path where(link);
    if (non_regular_kind(link) == "a directory") {
        throw InputError(link, "is a directory; expected a file or a symbolic link");
    }
    std::random_device seed;
    std::mt19937_64 random(seed());
    std::string prefix = temp_pattern(where);
    prefix.resize(prefix.size() - 6);   // "XXXXXX": symlink() has no mkstemp, so a random suffix and retry
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string temp = prefix + std::to_string(random() % 1'000'000'000);
        if (::symlink(target.c_str(), temp.c_str()) != 0) {
            if (errno == EEXIST) {
                continue;
            }
            throw InputError(link, "cannot create the symbolic link (" + errno_text(errno) + ")");
        }
        if (::rename(temp.c_str(), link.c_str()) != 0) {
            const int err = errno;
            ::unlink(temp.c_str());
            throw InputError(link, "cannot create the symbolic link (" + errno_text(err) + ")");
        }
        sync_directory(where);
        return;
    }
    throw InputError(link, "cannot create the symbolic link (no free temporary name)");
}

FileLock::FileLock(const std::string& path, std::chrono::milliseconds wait) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    // filelock's UnixFileLock: os.open(path, O_RDWR | O_TRUNC | O_CREAT, 0o644) and flock.
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (m_fd < 0) {
        throw InputError(path, "cannot open the lock file (" + errno_text(errno) + ")");
    }
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (err != EWOULDBLOCK && err != EINTR) {
            ::close(m_fd);
            throw InputError(path, "cannot lock (" + errno_text(err) + ")");
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::close(m_fd);
            const std::string waited = wait.count() % 1000 == 0 ? std::to_string(wait.count() / 1000) + " s" : std::to_string(wait.count()) + " ms";
            throw InputError(path, "still locked by another process after " + waited +
                                       " (another download into this cache?); try again, or delete the lock file if no download is running");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

FileLock::~FileLock() {
    if (m_fd >= 0) {
        ::flock(m_fd, LOCK_UN);
        ::close(m_fd);
    }
}

} // namespace vramplan
