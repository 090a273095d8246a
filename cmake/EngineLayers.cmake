# The engine: one static library per layer (src/<layer>/), none of which includes HTTP or
# command-line code; JSON only where an input format is JSON (io: NDJSON events and JSON
# property cells), privately. A layer links PUBLIC what its headers include and PRIVATE what only its .cc
# files do; cmake/LayerCheck.cmake fails the build when an #include disagrees with these links.
#
#   core  <- io <- prep
#   core  <- metrics <- ml
#   core  <- stats,  core <- synth,  core <- store
#
# growthlens_engine aggregates them for the programs, tests, benchmarks and fuzz targets.

# growthlens_layer(NAME FILES name...): growthlens_NAME from src/NAME/<name>.cc, listed by hand
# so that a file is built because a line says so, not because it lies in the folder.
function(growthlens_layer layer)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "FILES")
  list(TRANSFORM arg_FILES PREPEND ${PROJECT_SOURCE_DIR}/src/${layer}/)
  list(TRANSFORM arg_FILES APPEND .cc)
  add_library(growthlens_${layer} STATIC ${arg_FILES})
  target_include_directories(growthlens_${layer} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(growthlens_${layer} PRIVATE fmt::fmt)
endfunction()

growthlens_layer(core FILES
  csv_field dataset date derived_fields dictionary event_properties json_string number_format status temporary_files
  terminal_text worker_pool)
target_link_libraries(growthlens_core PUBLIC Threads::Threads)

growthlens_layer(io FILES
  atomic_file chunk_parser column_mapping csv_cursor csv_table_reader dataset_csv_writer
  date_parser encoding input_buffer ndjson_reader output_set row_lines staged_properties
  staged_table text_window unit_table_reader)
target_link_libraries(growthlens_io PUBLIC growthlens_core PRIVATE ZLIB::ZLIB nlohmann_json::nlohmann_json)

growthlens_layer(prep FILES
  cancellation_netting chunked_ingest cleaner cleaning_report cleaning_rules dataset_builder duplicate_finder
  ingest non_products transaction_builder)
target_link_libraries(growthlens_prep PUBLIC growthlens_core growthlens_io)

# Eigen is private: the per-user feature table (metrics/feature_usage.h) is a plain
# column-major matrix that the .cc files map with Eigen::Map.
growthlens_layer(metrics FILES
  activity_grid analysis behaviour_retention campaign_presets cohorts dataset_summary feature_usage insights
  funnel kpi_trend kpis lifecycle paths per_user_metric periods property_breakdown purchase_history revenue rfm rows_before
  usage_rollup user_event_order user_rows window_outcomes
  day_feature_index usage_index user_bitmaps user_major_rows)
# CRoaring (Debian's libroaring-dev) only in user_bitmaps.cc: the users' bitmaps of the usage
# index, behind an opaque struct.
target_link_libraries(growthlens_metrics PUBLIC growthlens_core PRIVATE Eigen3::Eigen roaring::roaring)

growthlens_layer(ml FILES
  centre_table centred_rows chunk_lanes cluster_labels cluster_metrics cluster_sums
  distance_sums empty_clusters feature_matrix feature_transform kmeans kmeans_plusplus
  kmeans_run kmeans_sweep lloyd_step persona_stats rfm_features segmentation silhouette
  user_groups boosted_trees churn_features classification_metrics logistic_regression
  tree_splits)
# XGBoost (the churn model's trees) only in boosted_trees.cc, behind an opaque handle; its model
# read back (UBJSON, nlohmann/json) in tree_splits.cc.
target_link_libraries(growthlens_ml PUBLIC growthlens_core growthlens_metrics
                                    PRIVATE Eigen3::Eigen xgboost::xgboost nlohmann_json::nlohmann_json)
if(NOT GROWTHLENS_TARGET_CLONES)  # ml's kernels are the ones with clones (core/target_clones.h)
  target_compile_definitions(growthlens_ml PRIVATE GROWTHLENS_NO_TARGET_CLONES)
endif()

growthlens_layer(stats FILES
  arm_stats bayesian bg_nbd corrections cuped experiment_analysis frequentist gamma_gamma
  max_likelihood metric_arms power sequential simulation simulation_kernel simulation_verdict srm unit_metrics unit_sums verdict
  winsorize)
target_link_libraries(growthlens_stats PUBLIC growthlens_core PRIVATE Boost::headers Eigen3::Eigen)
# Boost.Math returns NaN or infinity for arguments outside a function's domain (the statistics
# check their results) instead of throwing: no input file can abort a command. Only stats' .cc
# files include Boost.Math, so the policy is theirs alone.
target_compile_definitions(growthlens_stats PRIVATE
  BOOST_MATH_DOMAIN_ERROR_POLICY=errno_on_error BOOST_MATH_POLE_ERROR_POLICY=errno_on_error
  BOOST_MATH_OVERFLOW_ERROR_POLICY=errno_on_error BOOST_MATH_EVALUATION_ERROR_POLICY=errno_on_error)

growthlens_layer(synth FILES
  alias_table block_pipeline generation output_sink retail_catalogue row_order trading_calendar
  transaction_generator demo_files event_generator usage_behaviour usage_generator usage_model)
target_link_libraries(growthlens_synth PUBLIC growthlens_core PRIVATE ZLIB::ZLIB)

# The workspace (issue 18): SQLite for transactions and one-file durability, zstd for the
# column blocks, OpenSSL's libcrypto (which cpp-httplib links already) for the SHA-256 of access
# keys; all private, so no public header includes sqlite3.h, zstd.h or openssl/.
growthlens_layer(store FILES
  access_keys block_codec consumer_status dataset_merge event_inbox file_checksum inbox_group
  row_keys row_layout schema sqlite_db
  saved_items stored_table user_erasure workspace)
target_link_libraries(growthlens_store PUBLIC growthlens_core
                                       PRIVATE SQLite::SQLite3 PkgConfig::ZSTD OpenSSL::Crypto)
target_compile_definitions(growthlens_store PRIVATE
                           GROWTHLENS_STORE_VERSION="${PROJECT_VERSION}")

set(GROWTHLENS_ENGINE_LIBRARIES growthlens_core growthlens_io growthlens_prep growthlens_metrics
                                growthlens_ml growthlens_stats growthlens_synth growthlens_store)
add_library(growthlens_engine INTERFACE)
# fmt as before: the CLI and the server format with it.
target_link_libraries(growthlens_engine INTERFACE ${GROWTHLENS_ENGINE_LIBRARIES} fmt::fmt)

# The ClickHouse workspace (issue 22): a client of ClickHouse's HTTP interface, the schema, block
# inserts and the per-user rollups, on core only. Not part of growthlens_engine (which has no
# HTTP): the application layer links it. cpp-httplib is private, so no header of it includes
# httplib.h.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
growthlens_layer(warehouse FILES
  clickhouse_client clickhouse_funnels clickhouse_ingest clickhouse_live_insert clickhouse_revenue clickhouse_rollups
  clickhouse_churn_features clickhouse_filters clickhouse_schema clickhouse_series
  clickhouse_tsv clickhouse_url
  clickhouse_behaviour clickhouse_paths clickhouse_user_rows)
target_link_libraries(growthlens_warehouse PUBLIC growthlens_core PRIVATE PkgConfig::HTTPLIB)
