// Aligned text tables (report/table.hpp).
#include <vramplan/report/table.hpp>

#include <algorithm>
#include <numeric>

namespace vramplan {

std::vector<std::size_t> TextTable::column_widths() const {
    std::vector<std::size_t> width;
    for (const Column& c : m_columns) {
        width.push_back(c.min_width);
    }
    for (const auto& row : m_rows) {
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
            width[i] = std::max(width[i], row[i].size());
        }
    }
    return width;
}

std::string TextTable::render_columns(const std::vector<std::size_t>& columns, const std::vector<std::size_t>& width,
                                      const std::string& indent) const {
    std::string out;
    for (const auto& row : m_rows) {
        std::string line = indent;
        for (std::size_t k = 0; k < columns.size(); ++k) {
            const std::size_t i = columns[k];
            const std::string cell = i < row.size() ? row[i] : std::string();
            const std::size_t pad = width[i] - cell.size();
            const bool last = k + 1 == columns.size();
            line += k == 0 && i != 0 ? "" : m_columns[i].before;   // a block's first column needs no separator
            if (m_columns[i].align == Align::right) {
                line.append(pad, ' ');
                line += cell;
            } else {
                line += cell;
                if (!last) {
                    line.append(pad, ' ');
                }
            }
        }
        out += line + "\n";
    }
    return out;
}

std::string TextTable::render(const std::string& indent) const {
    std::vector<std::size_t> all(m_columns.size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    return render_columns(all, column_widths(), indent);
}

std::string TextTable::render_blocks(std::size_t width, std::size_t key_columns, const std::string& indent) const {
    const std::vector<std::size_t> widths = column_widths();
    const auto columns_width = [&](std::size_t from, std::size_t to) {
        std::size_t w = 0;
        for (std::size_t i = from; i < to; ++i) {
            w += m_columns[i].before.size() + widths[i];
        }
        return w;
    };
    key_columns = std::min(key_columns, m_columns.size());
    if (indent.size() + columns_width(0, m_columns.size()) <= width || key_columns == m_columns.size()) {
        return render(indent);
    }
    const std::size_t key_width = indent.size() + columns_width(0, key_columns);
    std::string out;
    for (std::size_t start = key_columns; start < m_columns.size();) {
        std::vector<std::size_t> block(key_columns);
        std::iota(block.begin(), block.end(), std::size_t{0});
        std::size_t used = key_width;
        for (; start < m_columns.size(); ++start) {
            const std::size_t add = (block.empty() ? 0 : m_columns[start].before.size()) + widths[start];
            if (block.size() > key_columns && used + add > width) {
                break;
            }
            block.push_back(start);
            used += add;
        }
        out += (out.empty() ? "" : "\n") + render_columns(block, widths, indent);
    }
    return out;
}

} // namespace vramplan
