# Locates Arrow C++ inside the pinned pyarrow wheel of the project's virtualenv and
# defines imported targets for the libraries Quiver links:
#   Arrow::arrow Arrow::compute Arrow::acero Arrow::parquet Arrow::dataset
#   Arrow::flight Arrow::substrait
#
# The wheel ships only versioned shared objects (libarrow.so.2600 …) and its headers
# under pyarrow/include, so we ask its Python where they are instead of relying on
# find_package. Binaries get an RPATH to the wheel's directory: `quiver` runs without
# LD_LIBRARY_PATH.
#
# QUIVER_PYTHON selects the interpreter (default: <source>/.venv/bin/python). If that
# interpreter has no pyarrow, a system Arrow found by find_package(Arrow) is used.

set(QUIVER_PYTHON "${CMAKE_SOURCE_DIR}/.venv/bin/python" CACHE FILEPATH
    "Python interpreter whose pyarrow wheel provides Arrow C++")

set(_quiver_arrow_libs arrow arrow_compute arrow_acero parquet arrow_dataset arrow_flight arrow_substrait)
set(_quiver_arrow_targets arrow compute acero parquet dataset flight substrait)

execute_process(
  COMMAND "${QUIVER_PYTHON}" -c
    "import pyarrow as pa; print(pa.get_include()); print(pa.get_library_dirs()[0]); print(pa.__version__)"
  OUTPUT_VARIABLE _pyarrow_out
  RESULT_VARIABLE _pyarrow_rc
  ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)

if(_pyarrow_rc EQUAL 0)
  string(REPLACE "\n" ";" _pyarrow_lines "${_pyarrow_out}")
  list(GET _pyarrow_lines 0 ARROW_INCLUDE_DIR)
  list(GET _pyarrow_lines 1 ARROW_LIBRARY_DIR)
  list(GET _pyarrow_lines 2 ARROW_WHEEL_VERSION)
  message(STATUS "Arrow C++ from pyarrow ${ARROW_WHEEL_VERSION}: ${ARROW_LIBRARY_DIR}")

  foreach(_lib _target IN ZIP_LISTS _quiver_arrow_libs _quiver_arrow_targets)
    file(GLOB _candidates "${ARROW_LIBRARY_DIR}/lib${_lib}.so.[0-9]*")
    # Prefer the shortest name (the SONAME, e.g. libarrow.so.2600).
    list(SORT _candidates COMPARE NATURAL)
    list(LENGTH _candidates _n)
    if(_n EQUAL 0)
      message(FATAL_ERROR "pyarrow wheel at ${ARROW_LIBRARY_DIR} has no lib${_lib}.so.*")
    endif()
    list(GET _candidates 0 _so)
    add_library(Arrow::${_target} SHARED IMPORTED GLOBAL)
    set_target_properties(Arrow::${_target} PROPERTIES
      IMPORTED_LOCATION "${_so}"
      INTERFACE_INCLUDE_DIRECTORIES "${ARROW_INCLUDE_DIR}")
  endforeach()
  set(CMAKE_BUILD_RPATH "${ARROW_LIBRARY_DIR}")
  set(CMAKE_INSTALL_RPATH "${ARROW_LIBRARY_DIR}")
else()
  message(STATUS "No pyarrow at ${QUIVER_PYTHON}; looking for a system Arrow")
  find_package(Arrow REQUIRED)
  find_package(ArrowAcero REQUIRED)
  find_package(ArrowDataset REQUIRED)
  find_package(Parquet REQUIRED)
  find_package(ArrowFlight REQUIRED)
  find_package(ArrowSubstrait REQUIRED)
  add_library(Arrow::arrow ALIAS Arrow::arrow_shared)
  add_library(Arrow::compute ALIAS Arrow::arrow_shared)
  add_library(Arrow::acero ALIAS ArrowAcero::arrow_acero_shared)
  add_library(Arrow::parquet ALIAS Parquet::parquet_shared)
  add_library(Arrow::dataset ALIAS ArrowDataset::arrow_dataset_shared)
  add_library(Arrow::flight ALIAS ArrowFlight::arrow_flight_shared)
  add_library(Arrow::substrait ALIAS ArrowSubstrait::arrow_substrait_shared)
endif()
