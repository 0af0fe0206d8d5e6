// The terminal width (terminal.hpp).
#include "terminal.hpp"

#include <vramplan/io/sizes.hpp>
#include <vramplan/report/wrap.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace vramplan::cli {

std::size_t terminal_width() {
    std::size_t width = k_default_width;
    winsize size{};
    if (isatty(STDOUT_FILENO) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        width = size.ws_col;
    } else if (const char* env = std::getenv("COLUMNS"); env != nullptr) {
        std::size_t columns = 0;
        const char* end = env + std::strlen(env);
        const auto [at, error] = std::from_chars(env, end, columns);
        if (error == std::errc() && at == end && columns > 0) {
            width = columns;
        }
    }
    return std::clamp(width, k_min_width, k_max_width);
}

std::size_t terminal_width(const std::string& flag) {
    if (!flag.empty()) {
        return static_cast<std::size_t>(parse_count(flag, "--width", k_max_width, k_min_width));
    }
    return terminal_width();
}

void print_text(const std::string& text) { std::cout << wrap_text(text, terminal_width()); }

} // namespace vramplan::cli
