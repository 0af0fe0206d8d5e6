// vramplan: plans vLLM's GPU memory before launch. A thin driver over the library (src/cli/app.hpp).
#include "app.hpp"

int main(int argc, char** argv) {
    using namespace vramplan::cli;
    std::vector<std::string> args = arguments(argc, argv);
    const std::unique_ptr<Cli> cli = make_cli(args);
    if (const std::optional<int> code = parse(*cli, std::move(args))) {
        return *code;
    }
    return run(*cli);
}
