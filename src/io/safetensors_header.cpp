// A safetensors header, validated as the safetensors library validates it, in one SAX pass: no
// JSON DOM is built (a DOM of a 100 MB header took 2 GB and aborted under `ulimit -v 2000000`,
// issue 16 item 4). Memory: the tensor names once (at most the header's own size) and 24 bytes a
// tensor; everything else is skipped as it streams past.
//
// The rules, from huggingface/safetensors safetensors/src/tensor.rs @24b0b28 (main, 2026-05-12):
//  - `read_metadata` (:390-424): header length <= MAX_HEADER_SIZE (:10), UTF-8 JSON, and the
//    validated data end + 8 + header length == the file's length (MetadataIncompleteBuffer);
//  - `HashMetadata` (:540): an object; `__metadata__` an optional string -> string map; every
//    other key a `TensorInfo` (:799) {dtype, shape: [usize], data_offsets: (usize, usize)};
//  - `TryFrom<HashMetadata>` (:548) sorts the tensors by data_offsets, then `validate` (:627):
//    each begins where the previous ended (from 0: no gap, no overlap), end >= begin, and
//    product(shape) x `Dtype::bitsize` (:867) is a whole number of bytes equal to end - begin.
#include <vramplan/io/safetensors.hpp>

#include <vramplan/io/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <vector>

namespace vramplan {

namespace {

using nlohmann::json;

struct SafetensorsDtype {
    std::string_view name;
    std::uint64_t bits;
};

/// Every dtype safetensors knows and its bits per element: `enum Dtype` (tensor.rs:811) and
/// `Dtype::bitsize` (tensor.rs:867) @24b0b28.
constexpr std::array<SafetensorsDtype, 22> k_safetensors_dtypes{{
    {"BOOL", 8},   {"F4", 4},      {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8},           {"I8", 8},           {"F8_E5M2", 8}, {"F8_E4M3", 8},
    {"F8_E8M0", 8}, {"F8_E4M3FNUZ", 8}, {"F8_E5M2FNUZ", 8}, {"I16", 16}, {"U16", 16}, {"F16", 16}, {"BF16", 16}, {"I32", 32},
    {"U32", 32},   {"F32", 32},    {"C64", 64},    {"F64", 64},    {"I64", 64},         {"U64", 64},
}};

/// One tensor as validation needs it: its range and where its name lies in the name arena.
struct SafetensorsRange {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::uint32_t name_at = 0;
    std::uint32_t name_len = 0;
};

/// The SAX handler (nlohmann's json_sax interface). Throws InputError on the first violation.
class SafetensorsHeaderSax {
public:
    explicit SafetensorsHeaderSax(const std::string& where) : m_where(where) {}

    bool null() { return scalar("null", true); }
    bool boolean(bool) { return scalar("a boolean", false); }
    bool number_integer(json::number_integer_t v) {
        if (m_depth == 3 && m_field == Field::shape) {
            fail(path("shape") + ": dimension " + std::to_string(v) + " is negative, expected a non-negative integer");
        }
        return scalar("a negative number", false);
    }
    bool number_unsigned(json::number_unsigned_t v) {
        if (m_depth == 3 && m_skip_from == 0) {
            return m_field == Field::shape ? dimension(v) : offset(v);
        }
        return scalar("a number", false);
    }
    bool number_float(json::number_float_t, const json::string_t&) { return scalar("a fractional or out-of-range number", false); }
    bool binary(json::binary_t&) { return scalar("binary data", false); }
    bool string(json::string_t& s) {
        if (m_skip_from != 0 || m_depth != 2) {
            return scalar("a string", false);
        }
        if (m_in_metadata) {
            return true; // __metadata__ values are strings
        }
        if (m_field == Field::dtype) {
            dtype(s);
            return true;
        }
        return scalar("a string", false); // legal only as an unknown field's value (serde ignores those)
    }
    bool start_object(std::size_t) { return open(true); }
    bool start_array(std::size_t) { return open(false); }
    bool end_object() {
        if (m_skip_from != 0) {
            return close();
        }
        if (m_depth == 2 && !m_in_metadata) {
            finish_tensor();
        }
        --m_depth;
        return true;
    }
    bool end_array() {
        if (m_skip_from != 0) {
            return close();
        }
        if (m_field == Field::data_offsets && m_offsets_seen != 2) {
            fail(path("data_offsets") + ": expected [begin, end] byte offsets");
        }
        --m_depth;
        return true;
    }
    bool key(json::string_t& k) {
        if (m_skip_from != 0) {
            return true;
        }
        if (m_depth == 1) {
            top_key(k);
        } else if (m_depth == 2 && m_in_metadata) {
            m_field = Field::none;
            m_meta_key = k.substr(0, 200);
        } else if (m_depth == 2) {
            tensor_key(k);
        }
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
        if (e.id == 406) { // out_of_range: a number beyond a double (`1e400`)
            fail("invalid JSON: a number beyond the range of a double, expected a finite number");
        }
        fail("invalid JSON at byte " + std::to_string(position) + ": expected a complete JSON document");
    }

    /// After the parse: sorts by range and checks them contiguous from 0; the data section's end.
    SafetensorsHeaderScan finish();

private:
    enum class Field { none, dtype, shape, data_offsets, other };

    [[noreturn]] void fail(const std::string& message) const { throw InputError(m_where, "safetensors header: " + message); }
    std::string path(const std::string& field) const { return "/" + one_line(m_name) + (field.empty() ? "" : "/" + field); }
    std::string name_of(const SafetensorsRange& r) const { return one_line(m_names.substr(r.name_at, std::min<std::uint32_t>(r.name_len, 200))); }

    /// A scalar value: legal where it is skipped, as a __metadata__ value (strings only) or as
    /// an unknown field's value; an error where a tensor, a dtype, a dimension or an offset goes.
    bool scalar(const char* what, bool is_null) {
        if (m_skip_from != 0) {
            return true;
        }
        if (m_depth == 0) {
            fail("expected a JSON object, found " + std::string(what));
        }
        if (m_depth == 1) {
            if (m_in_metadata && is_null) {
                return true; // `Option<HashMap>`: null is no metadata
            }
            fail(m_in_metadata ? "/__metadata__: expected an object of strings" : path("") + ": expected an object {dtype, shape, data_offsets}");
        }
        if (m_depth == 2 && m_in_metadata) {
            fail("/__metadata__/" + one_line(m_meta_key) + ": expected a string, found " + what);
        }
        if (m_depth == 2 && m_field == Field::other) {
            return true;
        }
        if (m_depth == 2) {
            fail(path(field_name()) + (m_field == Field::dtype ? ": expected a dtype name" : ": expected an array"));
        }
        fail(path(field_name()) + (m_field == Field::shape ? ": expected non-negative integer dimensions" : ": expected [begin, end] byte offsets"));
    }

    const char* field_name() const {
        switch (m_field) {
        case Field::dtype: return "dtype";
        case Field::shape: return "shape";
        case Field::data_offsets: return "data_offsets";
        default: return "";
        }
    }

    bool open(bool object) {
        if (m_skip_from != 0) {
            ++m_depth;
            return true;
        }
        const bool legal = (m_depth == 0 && object) || (m_depth == 1 && object) ||
                           (m_depth == 2 && !m_in_metadata && !object && (m_field == Field::shape || m_field == Field::data_offsets));
        if (m_depth == 2 && !m_in_metadata && m_field == Field::other) {
            m_skip_from = m_depth + 1; // an unknown field's object or array: skipped whole
            ++m_depth;
            return true;
        }
        if (!legal) {
            scalar(object ? "an object" : "an array", false);
        }
        ++m_depth;
        if (m_depth == 2 && !m_in_metadata) {
            m_dtype_bits = 0;
            m_has_shape = m_has_offsets = false;
            m_elements = 1;
            m_shape_text.clear();
        }
        if (m_depth == 3 && m_field == Field::data_offsets) {
            m_offsets_seen = 0;
        }
        return true;
    }

    bool close() {
        if (m_depth == m_skip_from) {
            m_skip_from = 0;
        }
        --m_depth;
        return true;
    }

    void top_key(const std::string& k) {
        m_name = k;
        m_in_metadata = k == "__metadata__";
        if (m_in_metadata && m_seen_metadata) {
            fail("/__metadata__: appears twice");
        }
        m_seen_metadata = m_seen_metadata || m_in_metadata;
        m_field = Field::none;
    }

    void tensor_key(const std::string& k) {
        const Field f = k == "dtype" ? Field::dtype : k == "shape" ? Field::shape : k == "data_offsets" ? Field::data_offsets : Field::other;
        const bool seen = (f == Field::dtype && m_dtype_bits != 0) || (f == Field::shape && m_has_shape) || (f == Field::data_offsets && m_has_offsets);
        if (seen) {
            fail(path(k) + ": appears twice");
        }
        m_field = f;
        m_has_shape = m_has_shape || f == Field::shape;
        m_has_offsets = m_has_offsets || f == Field::data_offsets;
    }

    void dtype(const std::string& s) {
        const auto it = std::find_if(k_safetensors_dtypes.begin(), k_safetensors_dtypes.end(), [&](const SafetensorsDtype& d) { return d.name == s; });
        if (it == k_safetensors_dtypes.end()) {
            fail(path("dtype") + ": unknown dtype '" + one_line(s.substr(0, 40)) + "' (safetensors knows BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, "
                 "F8_E4M3, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64)");
        }
        m_dtype_bits = it->bits;
        m_dtype_name = it->name;
    }

    bool dimension(std::uint64_t d) {
        if (m_shape_text.size() < 80) {
            m_shape_text += (m_shape_text.empty() ? "" : ", ") + std::to_string(d);
        } else if (m_shape_text.back() != '.') {
            m_shape_text += ", ...";
        }
        if (d != 0 && m_elements > std::numeric_limits<std::uint64_t>::max() / d) {
            fail(path("shape") + ": the element count overflows 64 bits");
        }
        m_elements *= d;
        return true;
    }

    bool offset(std::uint64_t v) {
        if (m_offsets_seen == 2) {
            fail(path("data_offsets") + ": expected [begin, end] byte offsets");
        }
        (m_offsets_seen == 0 ? m_begin : m_end) = v;
        ++m_offsets_seen;
        return true;
    }

    void finish_tensor();

    const std::string& m_where;
    int m_depth = 0;
    int m_skip_from = 0; ///< depth of the skipped container's contents; 0 when not skipping
    bool m_in_metadata = false;
    bool m_seen_metadata = false;
    Field m_field = Field::none;
    std::string m_name;
    std::string m_meta_key;
    std::uint64_t m_dtype_bits = 0;
    std::string_view m_dtype_name;
    bool m_has_shape = false;
    bool m_has_offsets = false;
    std::uint64_t m_elements = 1;
    std::string m_shape_text;
    int m_offsets_seen = 0;
    std::uint64_t m_begin = 0;
    std::uint64_t m_end = 0;
    std::string m_names; ///< every tensor name, end to end (at most the header's size)
    std::vector<SafetensorsRange> m_ranges;
};

void SafetensorsHeaderSax::finish_tensor() {
    if (m_dtype_bits == 0 || !m_has_shape || !m_has_offsets) {
        fail(path("") + ": missing " + (m_dtype_bits == 0 ? "dtype" : !m_has_shape ? "shape" : "data_offsets") +
             " (a tensor is {dtype, shape, data_offsets})");
    }
    if (m_end < m_begin) {
        fail(path("data_offsets") + ": [" + std::to_string(m_begin) + ", " + std::to_string(m_end) + "] ends before it begins");
    }
    if (m_elements > std::numeric_limits<std::uint64_t>::max() / m_dtype_bits) {
        fail(path("shape") + ": the size in bits overflows 64 bits");
    }
    const std::uint64_t bits = m_elements * m_dtype_bits;
    const std::string shape = "shape [" + m_shape_text + "] of " + std::string(m_dtype_name);
    if (bits % 8 != 0) {
        fail(path("") + ": " + shape + " is " + std::to_string(bits) + " bits, not a whole number of bytes");
    }
    if (bits / 8 != m_end - m_begin) {
        fail(path("") + ": " + shape + " is " + std::to_string(bits / 8) + " bytes, but data_offsets [" + std::to_string(m_begin) + ", " +
             std::to_string(m_end) + "] hold " + std::to_string(m_end - m_begin));
    }
    m_ranges.push_back({m_begin, m_end, static_cast<std::uint32_t>(m_names.size()), static_cast<std::uint32_t>(m_name.size())});
    m_names += m_name;
}

SafetensorsHeaderScan SafetensorsHeaderSax::finish() {
    // Two tensors of one name: serde keeps the last, and the other's bytes become a gap.
    std::vector<std::uint32_t> by_name(m_ranges.size());
    for (std::uint32_t i = 0; i < by_name.size(); ++i) {
        by_name[i] = i;
    }
    const auto name = [&](std::uint32_t i) { return std::string_view(m_names).substr(m_ranges[i].name_at, m_ranges[i].name_len); };
    std::sort(by_name.begin(), by_name.end(), [&](std::uint32_t a, std::uint32_t b) { return name(a) < name(b); });
    for (std::size_t i = 1; i < by_name.size(); ++i) {
        if (name(by_name[i - 1]) == name(by_name[i])) {
            fail("/" + name_of(m_ranges[by_name[i]]) + ": appears twice");
        }
    }
    std::vector<std::uint32_t>().swap(by_name);
    std::sort(m_ranges.begin(), m_ranges.end(), [](const SafetensorsRange& a, const SafetensorsRange& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t at = 0;
    for (std::size_t i = 0; i < m_ranges.size(); ++i) {
        const SafetensorsRange& r = m_ranges[i];
        const std::string here = "/" + name_of(r) + "/data_offsets: [" + std::to_string(r.begin) + ", " + std::to_string(r.end) + "]";
        if (r.begin > at) {
            fail(here + " leaves a gap: bytes [" + std::to_string(at) + ", " + std::to_string(r.begin) + ") belong to no tensor" +
                 (i == 0 ? std::string(" (tensors start at 0)") : " (after /" + name_of(m_ranges[i - 1]) + ")"));
        }
        if (r.begin < at) {
            const SafetensorsRange& p = m_ranges[i - 1];
            fail(here + " overlaps /" + name_of(p) + " [" + std::to_string(p.begin) + ", " + std::to_string(p.end) + "]");
        }
        at = r.end;
    }
    SafetensorsHeaderScan scan{m_ranges.size(), at, "", 0};
    if (!m_ranges.empty()) {
        scan.last_tensor = name_of(m_ranges.back());
        scan.last_begin = m_ranges.back().begin;
    }
    return scan;
}

} // namespace

SafetensorsHeaderScan scan_safetensors_header(std::string_view header, const std::string& where) {
    if (header.size() > k_max_safetensors_header) {
        throw InputError(where, "safetensors header of " + std::to_string(header.size()) + " bytes is larger than the format's " +
                                    std::to_string(k_max_safetensors_header) + "-byte limit");
    }
    SafetensorsHeaderSax sax(where);
    const char* const first = header.data();
    json::sax_parse(first, first + header.size(), &sax);
    return sax.finish();
}

} // namespace vramplan
