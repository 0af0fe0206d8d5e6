// Aligned text tables (report/table.hpp).
#include <vramplan/report/table.hpp>

#include <algorithm>

namespace vramplan {

std::string TextTable::render(const std::string& indent) const {
    std::vector<std::size_t> width;
    for (const Column& c : m_columns) {
        width.push_back(c.min_width);
    }
    for (const auto& row : m_rows) {
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
            width[i] = std::max(width[i], row[i].size());
        }
    }
    std::string out;
    for (const auto& row : m_rows) {
        std::string line = indent;
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            const std::string cell = i < row.size() ? row[i] : std::string();
            const std::size_t pad = width[i] - cell.size();
            const bool last = i + 1 == m_columns.size();
            line += m_columns[i].before;
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

} // namespace vramplan
