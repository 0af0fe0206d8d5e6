// vramplan: plans vLLM's GPU memory before launch. A thin driver over the library (src/cli/app.hpp).
#include "app.hpp"

int main(int argc, char** argv) {
    using namespace vramplan::cli;
    const std::unique_ptr<Cli> cli = make_cli();
    if (const std::optional<int> code = parse(*cli, arguments(argc, argv))) {
        return *code;
    }
    return run(*cli);
}
