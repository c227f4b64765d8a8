#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <string>

namespace quiver {

/// Files that survive a crash: every function here returns only once what it wrote
/// has reached the disk (file contents and the directory entry naming them).

/// Replaces `path` with `contents`: written to a temporary file beside it, fsynced,
/// renamed over `path`. A crash leaves the old or the new file, never a mix. The file
/// has permissions `mode` (less the umask) from its creation on: 0600 keeps secrets.
arrow::Status WriteFileReplacing(const std::string& path, const std::string& contents, int mode = 0644);

/// Creates `path` with `contents` only if no file of that name exists, atomically:
/// written to a temporary file, fsynced, then hard-linked to `path` (link fails when
/// the name is taken, so of two writers racing for one name exactly one wins).
/// AlreadyExists when the name is taken; the temporary file is removed either way.
arrow::Status WriteFileExclusive(const std::string& path, const std::string& contents, int mode = 0644);

/// fsyncs a file that was written and closed by other means (a Parquet writer).
arrow::Status SyncFile(const std::string& path);

/// The whole contents of a file; IOError naming it when it cannot be read.
arrow::Result<std::string> ReadWholeFile(const std::string& path);

/// fsyncs a directory, making the creation, renaming or removal of its entries durable.
arrow::Status SyncDirectory(const std::string& path);

}  // namespace quiver
