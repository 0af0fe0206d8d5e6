#pragma once
/// Aligned text tables (ccache's TextTable): labels left, numbers right, every column as wide as
/// its widest cell (at least its minimum), a fixed separator before each column. A left-aligned
/// last column is not padded, so no line ends in spaces. Widths count bytes: cells are ASCII.

#include <cstddef>
#include <string>
#include <vector>

namespace vramplan {

class TextTable {
public:
    enum class Align { left, right };
    struct Column {
        Align align = Align::left;
        std::size_t min_width = 0;
        std::string before;   ///< printed before the column ("" for the first, " " or "  " after)
    };

    explicit TextTable(std::vector<Column> columns) : m_columns(std::move(columns)) {}

    /// Adds a row; missing cells are empty, extra cells are an error of the caller (ignored).
    void add_row(std::vector<std::string> cells) { m_rows.push_back(std::move(cells)); }

    /// Every row, each line prefixed with `indent` and ended with '\n'.
    [[nodiscard]] std::string render(const std::string& indent = "") const;

private:
    std::vector<Column> m_columns;
    std::vector<std::vector<std::string>> m_rows;
};

} // namespace vramplan
