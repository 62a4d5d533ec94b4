#pragma once
// The result of a run, for people (a table) and for scripts (one JSON object).
#include <string>

#include "bench/loadgen/load_run.hpp"
#include "bench/loadgen/options.hpp"

namespace loadgen {

std::string format_table(const Options& options, const RunResult& result);
std::string format_json(const Options& options, const RunResult& result);
/// The live line (without the leading carriage return).
std::string format_progress(const Progress& progress);

}  // namespace loadgen
