// `-o FILE` and `-o -` (output.hpp).
#include "output.hpp"

#include <vramplan/io/errors.hpp>
#include <vramplan/io/file_write.hpp>

#include <iostream>

namespace vramplan::cli {

bool is_stdout(const std::string& path) {
    return path == k_stdout_name;
}

void check_output_path(const std::string& flag, const std::string& path) {
    if (is_stdout(path)) {
        return;
    }
    if (const std::string kind = non_regular_kind(path); !kind.empty()) {
        throw InputError(flag + " " + path, "not a regular file (" + kind + "); vramplan replaces only regular files (use " + flag +
                                                " - to write to stdout)");
    }
}

void write_output(const std::string& flag, const std::string& path, const std::string& text) {
    if (is_stdout(path)) {
        std::cout << text << std::flush;
        return;
    }
    check_output_path(flag, path);
    try {
        write_file_atomically(path, text);
    } catch (const InputError& e) {
        throw e.with_subject(flag + " " + path);
    }
}

} // namespace vramplan::cli
