#pragma once
/// The one way vramplan writes a file: whole or not at all, never through a link, never over
/// something that is not a regular file; and the lock files of the shared Hugging Face cache.

#include <chrono>
#include <string>

namespace vramplan {

/// Writes `text` to `path` atomically: a fresh temporary file `.NAME.XXXXXX` beside it (mkstemp,
/// so never a user's `PATH.tmp` and never through a planted link), written whole, fsync'd, renamed
/// over `path`, and the directory fsync'd where it can be. A reader (or a second writer) sees the
/// old file or a whole new one: with two writers the last rename wins. A new file gets the mode
/// a plain create gives (0666 & ~umask); a file that is replaced keeps its mode.
///
/// Refuses (InputError{path, "not a regular file (…)"}) to replace anything but a regular file or
/// nothing: a symbolic link (its target is left alone), a directory, a device such as /dev/null,
/// a FIFO or a socket. On any failure the temporary file is removed and InputError names `path`.
void write_file_atomically(const std::string& path, const std::string& text);

/// Makes `link` a symbolic link holding `target`, atomically (a link at a fresh name beside it,
/// renamed over `link`), replacing a file or link there but never a directory. Throws InputError
/// naming `link`.
void replace_with_symlink(const std::string& link, const std::string& target);

/// What `path` is when it is there and not a regular file ("a symbolic link", "a directory",
/// "a character device", …, by lstat); "" for a regular file or nothing at all.
std::string non_regular_kind(const std::string& path);

/// An exclusive lock on a lock file, held for the object's lifetime: flock(LOCK_EX) on `path`
/// (created 0644 if missing, its directory too), the lock Python's `filelock` takes on Unix and
/// so the one huggingface_hub takes on `<cache>/.locks/…` (two processes sharing a cache, vramplan
/// or Python, never write one blob at the same time). Waits at most `wait`, polling; then throws
/// InputError naming the lock file.
class FileLock {
public:
    FileLock(const std::string& path, std::chrono::milliseconds wait);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int m_fd = -1;
};

} // namespace vramplan
