// The one file writer (include/vramplan/io/file_write.hpp): a fresh temporary file beside the
// target, renamed over it; never a user's PATH.tmp, never through a link, never over a device or
// a directory; whole files under concurrent writers; and the cache's flock lock files.
#include <vramplan/io/errors.hpp>
#include <vramplan/io/file_write.hpp>

#include <catch2/catch.hpp>

#include "../support/temp_dir.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace vramplan;
namespace fs = std::filesystem;
using test::TempDir;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void put(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
        names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777u;
}

/// A writer's whole file: one letter repeated (a splice of two writers mixes letters).
std::string whole(char letter) {
    return std::string(1u << 18, letter) + "\n";
}

bool is_whole(const std::string& text) {
    return text.size() == (1u << 18) + 1 && text.back() == '\n' && text.find_first_not_of(text.front()) == text.size() - 1;
}

} // namespace

TEST_CASE("file_write: writes a new file, replaces an old one, leaves nothing else", "[file_write]") {
    TempDir dir("fw-basic");
    const fs::path out = dir.path / "report.json";
    write_file_atomically(out.string(), "one\n");
    CHECK(slurp(out) == "one\n");
    write_file_atomically(out.string(), "two\n");
    CHECK(slurp(out) == "two\n");
    CHECK(entries(dir.path) == std::vector<std::string>{"report.json"});
    write_file_atomically(out.string(), "");
    CHECK(fs::file_size(out) == 0);
}

TEST_CASE("file_write: a user's PATH.tmp is neither used nor removed", "[file_write]") {
    TempDir dir("fw-tmp");
    const fs::path out = dir.path / "report.json";
    put(dir.path / "report.json.tmp", "mine\n");
    write_file_atomically(out.string(), "new\n");
    CHECK(slurp(dir.path / "report.json.tmp") == "mine\n");
    CHECK(slurp(out) == "new\n");
    // A planted PATH.tmp link is not followed either.
    put(dir.path / "victim", "keep\n");
    fs::remove(dir.path / "report.json.tmp");
    fs::create_symlink(dir.path / "victim", dir.path / "report.json.tmp");
    write_file_atomically(out.string(), "newer\n");
    CHECK(slurp(dir.path / "victim") == "keep\n");
    CHECK(fs::is_symlink(dir.path / "report.json.tmp"));
}

TEST_CASE("file_write: a symbolic link, a directory, a device or a FIFO is refused", "[file_write]") {
    TempDir dir("fw-refuse");
    put(dir.path / "target", "keep\n");
    const fs::path link = dir.path / "link";
    fs::create_symlink(dir.path / "target", link);
    CHECK_THROWS_WITH(write_file_atomically(link.string(), "x"),
                      link.string() + ": not a regular file (a symbolic link); vramplan replaces only regular files");
    CHECK(slurp(dir.path / "target") == "keep\n");
    CHECK(fs::is_symlink(link));
    // A dangling link too: it would otherwise create its target.
    fs::create_symlink(dir.path / "nowhere", dir.path / "dangling");
    CHECK_THROWS_WITH(write_file_atomically((dir.path / "dangling").string(), "x"), Catch::Contains("(a symbolic link)"));
    CHECK_FALSE(fs::exists(dir.path / "nowhere"));
    fs::create_directory(dir.path / "sub");
    CHECK_THROWS_WITH(write_file_atomically((dir.path / "sub").string(), "x"), Catch::Contains("(a directory)"));
    CHECK_THROWS_WITH(write_file_atomically("/dev/null", "x"), "/dev/null: not a regular file (a character device); vramplan replaces only regular files");
    REQUIRE(::mkfifo((dir.path / "fifo").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(write_file_atomically((dir.path / "fifo").string(), "x"), Catch::Contains("(a FIFO)"));
    CHECK(non_regular_kind("/dev/null") == "a character device");
    CHECK(non_regular_kind((dir.path / "target").string()).empty());
    CHECK(non_regular_kind((dir.path / "absent").string()).empty());
    // Nothing was left behind by any refusal.
    CHECK(entries(dir.path) == std::vector<std::string>{"dangling", "fifo", "link", "sub", "target"});
}

TEST_CASE("file_write: a failure leaves no temporary file and names the path", "[file_write]") {
    TempDir dir("fw-fail");
    const fs::path missing = dir.path / "no-such-dir" / "out.json";
    CHECK_THROWS_WITH(write_file_atomically(missing.string(), "x"), missing.string() + ": cannot be written (No such file or directory)");
    if (::geteuid() != 0) {   // root writes anywhere
        fs::create_directory(dir.path / "ro");
        fs::permissions(dir.path / "ro", fs::perms::owner_read | fs::perms::owner_exec);
        CHECK_THROWS_WITH(write_file_atomically((dir.path / "ro" / "x").string(), "x"), Catch::Contains("cannot be written (Permission denied)"));
        fs::permissions(dir.path / "ro", fs::perms::owner_all);
        CHECK(entries(dir.path / "ro").empty());
    }
    CHECK(((entries(dir.path) == std::vector<std::string>{"ro"}) || entries(dir.path).empty()));
}

TEST_CASE("file_write: modes: a new file as a plain create makes it, a replaced file keeps its own", "[file_write]") {
    TempDir dir("fw-mode");
    const mode_t mask = ::umask(022);
    const fs::path fresh = dir.path / "fresh";
    write_file_atomically(fresh.string(), "x");
    ::umask(mask);
    // mkstemp makes 0600; a plain create with umask 022 makes 0666 & ~022 = 0644. The writer reads
    // the umask once per process, so this holds for the umask the tests run under (022 or tighter).
    CHECK((mode_of(fresh) == (0666u & ~static_cast<unsigned>(mask)) || mode_of(fresh) == 0644u));
    const fs::path kept = dir.path / "kept";
    put(kept, "old");
    fs::permissions(kept, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read |
                              fs::perms::group_write);
    write_file_atomically(kept.string(), "new");
    CHECK(mode_of(kept) == 0664u);
    fs::permissions(kept, fs::perms::owner_read | fs::perms::owner_write);
    write_file_atomically(kept.string(), "newer");
    CHECK(mode_of(kept) == 0600u);
}

TEST_CASE("file_write: concurrent writers each leave a whole file, never a splice", "[file_write]") {
    TempDir dir("fw-race");
    const fs::path out = dir.path / "out.json";
    // Threads: 8 writers x 20 rounds of 256 KiB each.
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&out, t] {
            for (int i = 0; i < 20; ++i) {
                write_file_atomically(out.string(), whole(static_cast<char>('a' + t)));
            }
        });
    }
    // A reader meanwhile sees only whole files.
    bool reader_ok = true;
    for (int i = 0; i < 50; ++i) {
        if (fs::exists(out)) {
            reader_ok = reader_ok && is_whole(slurp(out));
        }
    }
    for (std::thread& th : threads) {
        th.join();
    }
    CHECK(reader_ok);
    CHECK(is_whole(slurp(out)));
    CHECK(entries(dir.path) == std::vector<std::string>{"out.json"});
    // Processes: 4 forked writers.
    std::vector<pid_t> children;
    for (int p = 0; p < 4; ++p) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            int rc = 0;
            try {
                for (int i = 0; i < 20; ++i) {
                    write_file_atomically(out.string(), whole(static_cast<char>('p' + p)));
                }
            } catch (...) {
                rc = 1;
            }
            ::_exit(rc);
        }
        children.push_back(pid);
    }
    for (const pid_t pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    CHECK(is_whole(slurp(out)));
    CHECK(entries(dir.path) == std::vector<std::string>{"out.json"});
}

TEST_CASE("file_write: symbolic links replaced atomically", "[file_write]") {
    TempDir dir("fw-link");
    const fs::path link = dir.path / "config.json";
    put(link, "plain");
    replace_with_symlink(link.string(), "../../blobs/abc");
    CHECK(fs::read_symlink(link) == "../../blobs/abc");
    replace_with_symlink(link.string(), "../../blobs/def");
    CHECK(fs::read_symlink(link) == "../../blobs/def");
    CHECK(entries(dir.path) == std::vector<std::string>{"config.json"});
    fs::create_directory(dir.path / "d");
    CHECK_THROWS_WITH(replace_with_symlink((dir.path / "d").string(), "x"), Catch::Contains("is a directory"));
}

TEST_CASE("file_write: lock files exclude each other, with a bounded wait", "[file_write]") {
    TempDir dir("fw-lock");
    const std::string path = (dir.path / ".locks" / "models--acme--tiny" / "abc.lock").string();
    {
        const FileLock held(path, std::chrono::milliseconds(1000));
        CHECK(fs::exists(path));
        // flock locks belong to the open file: a second open in this process is a second holder.
        const auto start = std::chrono::steady_clock::now();
        CHECK_THROWS_WITH(FileLock(path, std::chrono::milliseconds(200)),
                          path + ": still locked by another process after 200 ms (another download into this cache?); try again, or delete the lock file if no download is running");
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(200));
    }
    const FileLock again(path, std::chrono::milliseconds(0));   // released with its holder
    CHECK(fs::exists(path));
}
