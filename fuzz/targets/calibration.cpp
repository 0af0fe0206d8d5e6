// The files vramplan writes and reads back: calibration files (`calibrate -o`, `plan
// --calibration`), restore-time fits (`calibrate-restore -o`, `--restore-fit`) and the JSON-lines
// startup records `accuracy` replays.
#include "../fuzz.hpp"

#include <vramplan/io/calibration.hpp>
#include <vramplan/io/log_records.hpp>

VRAMPLAN_FUZZ_TARGET(calibration) {
    using namespace vramplan;
    const std::string s = fuzz::text(data, size);
    fuzz::accepts([&] { (void)parse_calibration(s, "calibration.json"); });
    fuzz::accepts([&] { (void)parse_restore_fit(s, "restore-fit.json"); });
    fuzz::accepts([&] { (void)parse_log_records(s, "records.jsonl"); });
    return 0;
}
