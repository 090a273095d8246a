# The layers' dependencies, enforced: every #include of src/ must follow the links declared with
# target_link_libraries. A .cc file of library L may include the headers of L, of what L links
# (PUBLIC or PRIVATE) and of what those link PUBLIC; a header of L only what L links PUBLIC
# (what its users get). Third-party headers count as their imported targets (fmt/ is fmt::fmt,
# Eigen/ is Eigen3::Eigen, ...), so a heavy header in a public one needs a PUBLIC link, visible
# here. A folder's headers belong to the library built from its .cc files; a program's own
# source (src/main.cc) follows the program's links.
#
# At the end of configuring, the links of every target of the top directory are written to
# layer_rules.cmake; the target growthlens_layer_check runs cmake/check_layers.cmake over src/
# with them, and every library and program built from src/ waits for it, so a forbidden
# include fails the build before anything compiles.

# Third-party include prefixes and the imported target that provides each.
set(GROWTHLENS_EXTERNAL_HEADERS
  "fmt/=fmt::fmt" "Eigen/=Eigen3::Eigen" "boost/=Boost::headers" "zlib.h=ZLIB::ZLIB"
  "CLI/=CLI11::CLI11" "nlohmann/=nlohmann_json::nlohmann_json" "httplib.h=PkgConfig::HTTPLIB"
  "sqlite3.h=SQLite::SQLite3" "zstd.h=PkgConfig::ZSTD" "hiredis/=PkgConfig::HIREDIS"
  "openssl/=OpenSSL::Crypto" "xgboost/=xgboost::xgboost" "roaring/=roaring::roaring")

# What `target` brings to a file that includes it: the target, then the PUBLIC links of it and
# of theirs. Appends to the list named `out`.
function(_growthlens_usage_closure target out)
  set(seen ${${out}})
  set(pending ${target})
  while(pending)
    list(POP_FRONT pending current)
    if(current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${current})
    if(NOT TARGET ${current})
      continue()
    endif()
    get_target_property(imported ${current} IMPORTED)
    if(imported)
      continue()  # a third-party target: its own dependencies are not ours to include
    endif()
    get_target_property(links ${current} INTERFACE_LINK_LIBRARIES)
    foreach(link IN LISTS links)
      if(link AND NOT link MATCHES "^\\$<")  # $<LINK_ONLY:x>: a PRIVATE link of a static library
        list(APPEND pending ${link})
      endif()
    endforeach()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# What a .cc file of `target` sees: the target, what it links (PUBLIC or PRIVATE), and what those
# bring with them. Sets `out`.
function(_growthlens_source_closure target out)
  set(sees)
  _growthlens_usage_closure(${target} sees)
  get_target_property(links ${target} LINK_LIBRARIES)
  foreach(link IN LISTS links)
    if(link)
      _growthlens_usage_closure(${link} sees)
    endif()
  endforeach()
  set(${out} ${sees} PARENT_SCOPE)
endfunction()

# The names a file may include given the targets it sees: src/ folders and include prefixes.
function(_growthlens_allowed_names targets out)
  set(names)
  foreach(target IN LISTS targets)
    if(DEFINED _GL_FOLDER_OF_${target})
      list(APPEND names ${_GL_FOLDER_OF_${target}})
    endif()
    foreach(entry IN LISTS GROWTHLENS_EXTERNAL_HEADERS)
      string(REPLACE "=" ";" pair ${entry})
      list(GET pair 0 prefix)
      list(GET pair 1 provider)
      if(target STREQUAL provider)
        list(APPEND names ${prefix})
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES names)
  set(${out} ${names} PARENT_SCOPE)
endfunction()

function(growthlens_write_layer_rules)
  set(src ${PROJECT_SOURCE_DIR}/src)
  get_property(targets DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTY BUILDSYSTEM_TARGETS)
  set(owners)       # targets built from src/
  set(programs)     # executables with sources in src/
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "LIBRARY$|^EXECUTABLE$" OR type STREQUAL "INTERFACE_LIBRARY")
      continue()
    endif()
    get_target_property(sources ${target} SOURCES)
    get_target_property(source_dir ${target} SOURCE_DIR)
    foreach(source IN LISTS sources)
      cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${source_dir} NORMALIZE)
      cmake_path(IS_PREFIX src ${source} NORMALIZE in_src)
      if(NOT in_src)
        continue()
      endif()
      cmake_path(RELATIVE_PATH source BASE_DIRECTORY ${src} OUTPUT_VARIABLE relative)
      if(type STREQUAL "EXECUTABLE")
        list(APPEND _GL_PROGRAM_FILES_${target} ${relative})
        list(APPEND programs ${target})
      else()
        string(REGEX REPLACE "/.*" "" folder ${relative})
        if(DEFINED _GL_OWNER_${folder} AND NOT _GL_OWNER_${folder} STREQUAL target)
          message(FATAL_ERROR "src/${folder} is built by both ${_GL_OWNER_${folder}} and "
                              "${target}: one library per layer folder")
        endif()
        set(_GL_OWNER_${folder} ${target})
        set(_GL_FOLDER_OF_${target} ${folder})
        list(APPEND owners ${target})
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES owners)
  list(REMOVE_DUPLICATES programs)

  set(rules "# Generated by cmake/LayerCheck.cmake: what each src/ folder may include.\n")
  set(folders)
  foreach(target IN LISTS owners)
    set(folder ${_GL_FOLDER_OF_${target}})
    list(APPEND folders ${folder})
    set(header_sees)
    _growthlens_usage_closure(${target} header_sees)
    _growthlens_source_closure(${target} source_sees)
    _growthlens_allowed_names("${header_sees}" header_names)
    _growthlens_allowed_names("${source_sees}" source_names)
    string(APPEND rules "set(LIBRARY_${folder} ${target})\n"
                        "set(HEADER_MAY_${folder} ${header_names})\n"
                        "set(SOURCE_MAY_${folder} ${source_names})\n")
    add_dependencies(${target} growthlens_layer_check)
  endforeach()
  foreach(program IN LISTS programs)
    _growthlens_source_closure(${program} sees)
    _growthlens_allowed_names("${sees}" names)
    foreach(file IN LISTS _GL_PROGRAM_FILES_${program})
      string(APPEND rules "set(\"PROGRAM_${file}\" ${program})\n"
                          "set(\"FILE_MAY_${file}\" ${names})\n")
    endforeach()
    add_dependencies(${program} growthlens_layer_check)
  endforeach()
  string(APPEND rules "set(FOLDERS ${folders})\n"
                      "set(EXTERNAL_HEADERS \"${GROWTHLENS_EXTERNAL_HEADERS}\")\n")
  file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/layer_rules.cmake CONTENT "${rules}" @ONLY)
endfunction()

file(GLOB_RECURSE _GL_CHECKED_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/*.h
     ${PROJECT_SOURCE_DIR}/src/*.cc)
add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/layer_check.stamp
  COMMAND ${CMAKE_COMMAND} -DSRC=${PROJECT_SOURCE_DIR}/src
          -DRULES=${PROJECT_BINARY_DIR}/layer_rules.cmake -P ${CMAKE_CURRENT_LIST_DIR}/check_layers.cmake
  COMMAND ${CMAKE_COMMAND} -E touch ${PROJECT_BINARY_DIR}/layer_check.stamp
  DEPENDS ${_GL_CHECKED_FILES} ${CMAKE_CURRENT_LIST_DIR}/check_layers.cmake
          ${PROJECT_BINARY_DIR}/layer_rules.cmake
  COMMENT "Checking the #includes of src/ against the layers' links"
  VERBATIM)
add_custom_target(growthlens_layer_check DEPENDS ${PROJECT_BINARY_DIR}/layer_check.stamp)
# Once every target of the top directory exists (the CLI, the server and the program are
# declared after the engine).
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL growthlens_write_layer_rules)
