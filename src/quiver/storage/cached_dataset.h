#pragma once

#include <arrow/dataset/dataset.h>
#include <arrow/result.h>

#include <memory>

namespace quiver::storage {

/// The dataset of a table marked with CACHE TABLE: the same rows as `files`, with
/// each Parquet file's row groups read through the DecodedColumnCache.
///
/// Row groups are ruled out by their statistics as before (a scan's filter); a row
/// group whose wanted columns are all cached is served from memory without opening
/// its file, and one with columns missing reads just those and caches them. Files
/// of other formats are read as they are.
///
/// A scan may ask for a Parquet column in another type than the dataset's (its
/// `dataset_schema` says which): the column is then cached converted, so the scans
/// after it skip the conversion as well as the decoding.
arrow::Result<std::shared_ptr<arrow::dataset::Dataset>> CachedDataset(std::shared_ptr<arrow::dataset::Dataset> files);

/// Whether every fragment of CachedDataset(files) is cached, and so can be asked for
/// columns in other types: `files` is a dataset of Parquet files.
bool CachesEveryFragment(const arrow::dataset::Dataset& files);

}  // namespace quiver::storage
