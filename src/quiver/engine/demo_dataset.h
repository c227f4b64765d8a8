#pragma once

#include <arrow/status.h>

namespace quiver::engine {

class Engine;

/// Writes a small demo dataset under `<data dir>/demo/` and registers it, so a new
/// installation has something to query at once:
///   cities — a CSV file (name, country, population, latitude, longitude)
///   trips  — Parquet files partitioned by year (year=2024/, year=2025/): trip_id,
///            city, started_at, distance_km, fare, passengers
/// Does nothing if a table of either name already exists. The data is generated
/// deterministically, so every installation has the same rows.
arrow::Status InstallDemoDataset(Engine& engine);

}  // namespace quiver::engine
