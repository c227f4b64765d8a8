#include "quiver/engine/demo_dataset.h"

#include <arrow/builder.h>
#include <arrow/io/file.h>
#include <arrow/table.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "quiver/catalog/catalog.h"
#include "quiver/engine/engine.h"

namespace quiver::engine {

namespace {

namespace fs = std::filesystem;

struct City {
  const char* name;
  const char* country;
  int64_t population;
  double latitude;
  double longitude;
};

constexpr City kCities[] = {
    {"Amsterdam", "Netherlands", 921402, 52.3676, 4.9041}, {"Berlin", "Germany", 3755251, 52.5200, 13.4050},
    {"Lisbon", "Portugal", 545796, 38.7223, -9.1393},      {"Madrid", "Spain", 3332035, 40.4168, -3.7038},
    {"Paris", "France", 2102650, 48.8566, 2.3522},         {"Rome", "Italy", 2748109, 41.9028, 12.4964},
    {"Vienna", "Austria", 2005760, 48.2082, 16.3738},      {"Warsaw", "Poland", 1863056, 52.2297, 21.0122},
    {"Prague", "Czechia", 1357326, 50.0755, 14.4378},      {"Copenhagen", "Denmark", 660842, 55.6761, 12.5683},
    {"Oslo", "Norway", 717710, 59.9139, 10.7522},          {"Dublin", "Ireland", 592713, 53.3498, -6.2603},
};

constexpr int kTripsPerYear = 5000;
constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

arrow::Status WriteCitiesCsv(const fs::path& path) {
  std::ofstream out(path);
  out << "name,country,population,latitude,longitude\n";
  for (const auto& city : kCities) {
    out << city.name << ',' << city.country << ',' << city.population << ',' << city.latitude << ',' << city.longitude
        << '\n';
  }
  out.close();
  if (!out) return arrow::Status::IOError("cannot write ", path.string());
  return arrow::Status::OK();
}

// One year of trips; some fares and passenger counts are missing, as in real data.
arrow::Result<std::shared_ptr<arrow::Table>> MakeTrips(int year, int64_t first_id, std::mt19937_64& random) {
  arrow::Int64Builder ids;
  arrow::StringBuilder cities;
  arrow::TimestampBuilder started(arrow::timestamp(arrow::TimeUnit::MICRO), arrow::default_memory_pool());
  arrow::DoubleBuilder distances;
  arrow::Decimal128Builder fares(arrow::decimal128(10, 2));
  arrow::Int32Builder passengers;
  // Days from 1970-01-01 to January 1st of `year`.
  const int64_t year_start_days = (year - 1970) * 365 + ((year - 1969) / 4);
  std::uniform_int_distribution<int> city_index(0, static_cast<int>(std::size(kCities)) - 1);
  std::uniform_int_distribution<int64_t> moment(0, 365 * kMicrosPerDay - 1);
  std::exponential_distribution<double> distance(1.0 / 6.0);
  std::uniform_int_distribution<int> people(1, 4);
  std::uniform_int_distribution<int> percent(0, 99);
  for (int i = 0; i < kTripsPerYear; ++i) {
    ARROW_RETURN_NOT_OK(ids.Append(first_id + i));
    ARROW_RETURN_NOT_OK(cities.Append(kCities[city_index(random)].name));
    ARROW_RETURN_NOT_OK(started.Append(year_start_days * kMicrosPerDay + moment(random)));
    double km = std::round((0.5 + distance(random)) * 100) / 100;
    ARROW_RETURN_NOT_OK(distances.Append(km));
    if (percent(random) < 3) {
      ARROW_RETURN_NOT_OK(fares.AppendNull());
    } else {
      int64_t cents = 250 + static_cast<int64_t>(km * 180);
      ARROW_RETURN_NOT_OK(fares.Append(arrow::Decimal128(cents)));
    }
    if (percent(random) < 5) {
      ARROW_RETURN_NOT_OK(passengers.AppendNull());
    } else {
      ARROW_RETURN_NOT_OK(passengers.Append(people(random)));
    }
  }
  auto schema =
      arrow::schema({arrow::field("trip_id", arrow::int64()), arrow::field("city", arrow::utf8()),
                     arrow::field("started_at", arrow::timestamp(arrow::TimeUnit::MICRO)),
                     arrow::field("distance_km", arrow::float64()), arrow::field("fare", arrow::decimal128(10, 2)),
                     arrow::field("passengers", arrow::int32())});
  arrow::ArrayVector columns(6);
  ARROW_RETURN_NOT_OK(ids.Finish(&columns[0]));
  ARROW_RETURN_NOT_OK(cities.Finish(&columns[1]));
  ARROW_RETURN_NOT_OK(started.Finish(&columns[2]));
  ARROW_RETURN_NOT_OK(distances.Finish(&columns[3]));
  ARROW_RETURN_NOT_OK(fares.Finish(&columns[4]));
  ARROW_RETURN_NOT_OK(passengers.Finish(&columns[5]));
  return arrow::Table::Make(schema, columns);
}

// A path as a SQL string literal.
std::string Quoted(const fs::path& path) {
  std::string out = "'";
  for (char c : path.string()) {
    out += c;
    if (c == '\'') out += c;
  }
  return out + "'";
}

arrow::Status WriteParquet(const arrow::Table& table, const fs::path& path) {
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::FileOutputStream::Open(path.string()));
  // Small row groups, so filters on trip_id or started_at can skip some.
  ARROW_RETURN_NOT_OK(parquet::arrow::WriteTable(table, arrow::default_memory_pool(), out, 1000));
  return out->Close();
}

}  // namespace

arrow::Status InstallDemoDataset(Engine& engine) {
  auto& catalog = engine.catalog();
  if (catalog.FindTable(catalog::Catalog::kDefaultSchema, "cities") ||
      catalog.FindTable(catalog::Catalog::kDefaultSchema, "trips")) {
    return arrow::Status::OK();
  }
  fs::path demo = fs::path(catalog.data_dir()) / "demo";
  std::error_code ec;
  fs::create_directories(demo, ec);
  if (ec) return arrow::Status::IOError("cannot create ", demo.string(), ": ", ec.message());
  ARROW_RETURN_NOT_OK(WriteCitiesCsv(demo / "cities.csv"));

  std::mt19937_64 random(20240101);
  int64_t next_id = 1;
  for (int year : {2024, 2025}) {
    fs::path dir = demo / "trips" / ("year=" + std::to_string(year));
    fs::create_directories(dir, ec);
    if (ec) return arrow::Status::IOError("cannot create ", dir.string(), ": ", ec.message());
    ARROW_ASSIGN_OR_RAISE(auto trips, MakeTrips(year, next_id, random));
    next_id += kTripsPerYear;
    ARROW_RETURN_NOT_OK(WriteParquet(*trips, dir / "part-0.parquet"));
  }

  auto session = engine.NewSession();
  ARROW_RETURN_NOT_OK(session
                          ->Execute("CREATE EXTERNAL TABLE cities STORED AS CSV WITH HEADER ROW LOCATION " +
                                    Quoted(demo / "cities.csv"))
                          .status());
  ARROW_RETURN_NOT_OK(
      session->Execute("CREATE EXTERNAL TABLE trips STORED AS PARQUET LOCATION " + Quoted(demo / "trips")).status());
  return arrow::Status::OK();
}

}  // namespace quiver::engine
