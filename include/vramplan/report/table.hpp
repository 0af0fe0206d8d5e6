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

    /// render() when the table fits `width` columns; else the table in column blocks, one under
    /// the other with a blank line between: each block repeats the first `key_columns` columns
    /// (what identifies a row) and takes as many of the others, in order, as fit (at least one).
    /// Every row stays on one line per block, so no row is split or wrapped.
    [[nodiscard]] std::string render_blocks(std::size_t width, std::size_t key_columns, const std::string& indent = "") const;

private:
    /// The rows with only `columns` (indices, in order); a block that does not start with column 0
    /// drops its first column's separator.
    [[nodiscard]] std::string render_columns(const std::vector<std::size_t>& columns, const std::vector<std::size_t>& width,
                                             const std::string& indent) const;
    /// Each column's width: its widest cell, at least its minimum.
    [[nodiscard]] std::vector<std::size_t> column_widths() const;

    std::vector<Column> m_columns;
    std::vector<std::vector<std::string>> m_rows;
};

} // namespace vramplan
